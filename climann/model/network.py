"""A feedforward network: its parameters, predictions, loss and gradients, and model files.

The formulas of the forward pass and of backpropagation are in
:mod:`climann.model.backprop`; this module holds the :class:`Network` that owns the
parameters. They live in one flat vector (see :mod:`climann.model.parameters`); the
network's ``weights[l]`` and ``biases[l]`` are views into it.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from os import PathLike

import numpy as np

from climann.errors import ClimannError
from climann.model.activations import Activation, get_activation
from climann.model.backprop import (
    BatchBuffers,
    affine,
    backward,
    forward,
    layer_delta,
    layer_gradients,
)
from climann.model.files import ModelRecord, read_model, write_model
from climann.model.initializers import get_initializer
from climann.model.losses import Loss, check_mask, check_sample_weight, get_loss, total_weight
from climann.model.parameters import LayerArrays, count_parameters, layer_views
from climann.model.regularization import add_l2_gradient, check_l2, l2_penalty
from climann.model.threads import limit_blas_threads

# The backprop functions are re-exported: ``from climann.model.network import forward``.
__all__ = [
    "BatchBuffers",
    "Network",
    "affine",
    "backward",
    "check_inputs",
    "check_observed",
    "check_targets",
    "forward",
    "layer_delta",
    "layer_gradients",
]

DTYPES = ("float32", "float64")


def _as_float_array(name: str, values: object, dtype: np.dtype) -> np.ndarray:
    """``values`` as an ndarray of ``dtype`` (no copy if it already is one); values beyond
    its range become infinite, which the callers report."""
    try:
        with np.errstate(over="ignore"):
            return np.asarray(values, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise ClimannError(f"{name} must be numeric, convertible to {dtype}: {error}") from None


def check_inputs(X: object, *, n_inputs: int, dtype: np.dtype) -> np.ndarray:
    """``X`` as an array of shape (m, n_inputs), m ≥ 1, cast to ``dtype``.

    Raises
    ------
    ClimannError
        If ``X`` is not 2-D, is empty, or has the wrong number of columns.
    """
    inputs = _as_float_array("X", X, dtype)
    if inputs.ndim != 2 or inputs.shape[1] != n_inputs or inputs.shape[0] == 0:
        raise ClimannError(
            f"X must have shape (n_samples, {n_inputs}) with n_samples >= 1 for this network; "
            f"got shape {inputs.shape}"
        )
    return inputs


def check_targets(y: object, *, n_samples: int, n_outputs: int, dtype: np.dtype) -> np.ndarray:
    """``y`` as an array of shape (n_samples, n_outputs), cast to ``dtype``.

    Raises
    ------
    ClimannError
        If ``y`` is not 2-D (a 1-D ``y`` needs ``y[:, None]``) or its shape does not match.
    """
    targets = _as_float_array("y", y, dtype)
    if targets.shape != (n_samples, n_outputs):
        hint = "; use y.reshape(-1, 1) for a single output" if targets.ndim == 1 else ""
        raise ClimannError(
            f"y must have shape ({n_samples}, {n_outputs}) to match X and the network's "
            f"{n_outputs} output(s); got shape {targets.shape}{hint}"
        )
    return targets


def _check_layer_sizes(layer_sizes: Sequence[int]) -> list[int]:
    sizes = list(layer_sizes)
    valid = len(sizes) >= 2 and all(
        isinstance(size, int | np.integer) and not isinstance(size, bool) and size >= 1
        for size in sizes
    )
    if not valid:
        raise ClimannError(
            "layer_sizes must be at least two positive integers [n_in, ..., n_out]; "
            f"got {layer_sizes!r}"
        )
    return [int(size) for size in sizes]


def _check_dtype(dtype: object) -> np.dtype:
    try:
        checked = np.dtype(dtype)  # type: ignore[call-overload]
    except TypeError:
        checked = None
    if checked is None or checked.name not in DTYPES:
        raise ClimannError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    return checked


def _hidden_activations(activation: str | Sequence[str], n_hidden: int) -> list[Activation]:
    names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
    if len(names) != n_hidden:
        raise ClimannError(
            f"activation must be one name or a list of {n_hidden} names (one per hidden layer); "
            f"got {len(names)}: {names}"
        )
    return [get_activation(name) for name in names]


def check_observed(
    targets: np.ndarray, sample_weight: np.ndarray | None, mask: np.ndarray | None
) -> None:
    """Raise unless some target is observed (mask True) in a sample of positive weight."""
    if mask is not None and total_weight(sample_weight, mask, shape=targets.shape) == 0:
        raise ClimannError(
            "no target is observed: the mask is False everywhere (or only where the sample "
            "weight is 0); at least one target must be observed"
        )


class Network:
    """A feedforward neural network ``ŷ = σ_L(… σ_1(X @ W_1 + b_1) … @ W_L + b_L)``.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_in, n_hidden_1, …, n_out]``; at least two entries.
    activation : str or sequence of str, default "relu"
        Activation of the hidden layers: one name for all, or one name per hidden layer
        (see :data:`climann.model.activations.ACTIVATIONS`); a parameter goes in the name,
        e.g. ``"leaky_relu(0.2)"``.
    output_activation : str, default "identity"
        Activation of the output layer; ``"identity"`` for regression.
    init : str, default "he"
        Weight initializer (see :data:`climann.model.initializers.INITIALIZERS`); ``"he"``
        is He-normal. Biases start at zero.
    seed : int or numpy.random.Generator, default 0
        Seed of (or the generator for) the initial weights.
    dtype : {"float32", "float64"}, default "float32"
        Dtype of the parameters and of every computation; inputs are cast to it.

    Attributes
    ----------
    layer_sizes : list of int
    weights : sequence of ndarray, shapes (layer_sizes[l], layer_sizes[l + 1])
        Views into :attr:`parameter_vector`. Assignments copy into them, so
        ``net.weights[0] = W``, ``net.weights[0] -= step`` and ``net.weights[0][...] = W``
        all change the network; a view never gets replaced by another array.
    biases : sequence of ndarray, shapes (layer_sizes[l + 1],)
        Views into :attr:`parameter_vector`, like ``weights``.
    parameter_vector : ndarray, shape (n_parameters,)
        All parameters in one flat vector: every weight matrix (row by row), then every
        bias vector (see :mod:`climann.model.parameters`).
    n_weights : int
        How many leading entries of ``parameter_vector`` are weights.
    activations : list of Activation
        One per hidden layer.
    output_activation : Activation
    dtype : numpy.dtype
    metadata : dict
        User metadata; filled by :meth:`load`, written by :meth:`save`.

    Raises
    ------
    ClimannError
        For invalid sizes, unknown names or an unsupported dtype.

    Examples
    --------
    >>> net = Network([3, 16, 1], activation="tanh", seed=0)
    >>> net.predict(np.zeros((5, 3))).shape
    (5, 1)
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        *,
        activation: str | Sequence[str] = "relu",
        output_activation: str = "identity",
        init: str = "he",
        seed: int | np.random.Generator = 0,
        dtype: str | np.dtype = "float32",
    ) -> None:
        self.layer_sizes = _check_layer_sizes(layer_sizes)
        self.dtype = _check_dtype(dtype)
        self.activations = _hidden_activations(activation, len(self.layer_sizes) - 2)
        self.output_activation = get_activation(output_activation)
        initializer = get_initializer(init)
        self._allocate_parameters(np.zeros(count_parameters(self.layer_sizes)[1], self.dtype))
        rng = np.random.default_rng(seed)
        for weights in self.weights:
            n_in, n_out = weights.shape
            weights[...] = initializer(n_in=n_in, n_out=n_out, rng=rng, dtype=self.dtype)
        self.metadata: dict = {}

    def _allocate_parameters(self, vector: np.ndarray) -> None:
        """Take ``vector`` as the parameter vector and make the per-layer views into it."""
        self._parameter_vector = vector
        self._weight_views, self._bias_views = layer_views(vector, self.layer_sizes)
        self._weights = LayerArrays(self._weight_views, kind="weights")
        self._biases = LayerArrays(self._bias_views, kind="biases")

    @property
    def parameter_vector(self) -> np.ndarray:
        """All parameters in one flat vector, weights first (see climann.model.parameters)."""
        return self._parameter_vector

    @property
    def weights(self) -> LayerArrays:
        """``W_l : (n_(l−1), n_l)``, views into :attr:`parameter_vector`.

        Assigning copies into them: ``net.weights[0] = W``, ``net.weights[0] -= step`` and
        ``net.weights = [W_1, W_2]`` all change the parameter vector.
        """
        return self._weights

    @weights.setter
    def weights(self, arrays: Sequence[np.ndarray]) -> None:
        self._weights.assign(arrays)

    @property
    def biases(self) -> LayerArrays:
        """``b_l : (n_l,)``, views into :attr:`parameter_vector`; assigned like :attr:`weights`."""
        return self._biases

    @biases.setter
    def biases(self, arrays: Sequence[np.ndarray]) -> None:
        self._biases.assign(arrays)

    @property
    def n_weights(self) -> int:
        """How many leading entries of :attr:`parameter_vector` are weights (not biases)."""
        return count_parameters(self.layer_sizes)[0]

    @property
    def n_inputs(self) -> int:
        """Number of input features, ``layer_sizes[0]``."""
        return self.layer_sizes[0]

    @property
    def n_outputs(self) -> int:
        """Number of outputs, ``layer_sizes[-1]``."""
        return self.layer_sizes[-1]

    @property
    def layer_activations(self) -> list[Activation]:
        """Activation of every layer, hidden layers then the output layer."""
        return [*self.activations, self.output_activation]

    def parameters(self) -> list[np.ndarray]:
        """The parameter arrays themselves (views, not copies): ``[W_1, b_1, W_2, b_2, …]``."""
        return [array for pair in zip(self.weights, self.biases, strict=True) for array in pair]

    def __getstate__(self) -> dict:
        # The views cannot be pickled as views: keep the vector, rebuild the views on load.
        state = self.__dict__.copy()
        for views in ("_weights", "_biases", "_weight_views", "_bias_views"):
            del state[views]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._allocate_parameters(self._parameter_vector)

    def predict(self, X: np.ndarray, *, batch_size: int = 65536) -> np.ndarray:
        """Predictions ``ŷ``, computed ``batch_size`` rows at a time to bound memory.

        BLAS runs with the threads that pay for these products
        (:func:`climann.model.threads.limit_blas_threads`): more than one only for large
        products on the main thread, one inside a dask task.

        Parameters
        ----------
        X : array_like, shape (m, n_in)
            Cast to the network's dtype one batch at a time.
        batch_size : int, default 65536

        Returns
        -------
        ndarray, shape (m, n_out), the network's dtype

        Raises
        ------
        ClimannError
            If ``X`` has the wrong shape or ``batch_size < 1``.
        """
        if not isinstance(X, np.ndarray):
            X = _as_float_array("X", X, self.dtype)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ClimannError(
                f"X must have shape (n_samples, {self.n_inputs}) for this network; "
                f"got shape {X.shape}"
            )
        if batch_size < 1:
            raise ClimannError(f"batch_size must be at least 1; got {batch_size}")
        predictions = np.empty((X.shape[0], self.n_outputs), dtype=self.dtype)
        with limit_blas_threads(self.layer_sizes, min(batch_size, max(1, X.shape[0]))):
            for start in range(0, X.shape[0], batch_size):
                batch = check_inputs(
                    X[start : start + batch_size], n_inputs=self.n_inputs, dtype=self.dtype
                )
                _, layer_outputs = forward(batch, self.weights, self.biases, self.layer_activations)
                predictions[start : start + batch_size] = layer_outputs[-1]
        return predictions

    def _check_loss_arguments(
        self, n_samples: int, y: object, sample_weight: object, mask: object
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Targets, sample weights and mask checked against ``n_samples`` and the network."""
        targets = check_targets(y, n_samples=n_samples, n_outputs=self.n_outputs, dtype=self.dtype)
        weights = check_sample_weight(sample_weight, n_samples=n_samples)
        observed = check_mask(mask, shape=targets.shape)
        check_observed(targets, weights, observed)
        return targets, weights, observed

    def loss(
        self,
        X: np.ndarray,
        y: np.ndarray,
        *,
        loss: str | Loss = "mse",
        sample_weight: np.ndarray | None = None,
        mask: np.ndarray | None = None,
        l2: float = 0.0,
        batch_size: int = 65536,
    ) -> float:
        """The loss ``J(ŷ, y)`` of the predictions (made in batches) on ``X``.

        Parameters
        ----------
        X : array_like, shape (m, n_in)
        y : array_like, shape (m, n_out)
            May be NaN where ``mask`` is False.
        loss : str or Loss, default "mse"
        sample_weight : array_like, shape (m,), optional
        mask : array_like of bool, shape (m, n_out), optional
            True where ``y`` is observed; missing targets add nothing to the loss.
        l2 : float, default 0
            Adds the penalty ``(l2/2)·Σ‖W‖²`` on the weights (not the biases).
        batch_size : int, default 65536
            Rows per batch of :meth:`predict`.

        Returns
        -------
        float
        """
        predictions = self.predict(X, batch_size=batch_size)
        targets, weights, observed = self._check_loss_arguments(
            predictions.shape[0], y, sample_weight, mask
        )
        value = get_loss(loss).value(predictions, targets, weights, observed)
        l2 = check_l2(l2)
        return value + l2_penalty(self.parameter_vector[: self.n_weights], l2) if l2 else value

    def loss_and_gradients(
        self,
        X: np.ndarray,
        y: np.ndarray,
        *,
        loss: str | Loss = "mse",
        sample_weight: np.ndarray | None = None,
        mask: np.ndarray | None = None,
        l2: float = 0.0,
    ) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
        """The loss on ``(X, y)`` and its gradient for every weight and bias (backpropagation).

        Parameters
        ----------
        X : array_like, shape (m, n_in)
        y : array_like, shape (m, n_out)
            Always 2-D, also for one output; may be NaN where ``mask`` is False.
        loss : str or Loss, default "mse"
            See :mod:`climann.model.losses`.
        sample_weight : array_like, shape (m,), optional
        mask : array_like of bool, shape (m, n_out), optional
            True where ``y`` is observed; missing targets add nothing to the loss or its
            gradient, and the mean is over the observed targets.
        l2 : float, default 0
            Adds ``(l2/2)·Σ‖W‖²`` to the loss and ``l2·W`` to the weight gradients.

        Returns
        -------
        loss : float
        gradients : list of (dW, db)
            ``∂J/∂W_l`` and ``∂J/∂b_l``, shapes and dtype as ``weights[l]`` and ``biases[l]``;
            new arrays, not overwritten by later calls.

        Raises
        ------
        ClimannError
            If shapes disagree with each other or with the network, the weights or mask
            are invalid, or no target is observed.
        """
        inputs = check_inputs(X, n_inputs=self.n_inputs, dtype=self.dtype)
        targets, weights, observed = self._check_loss_arguments(
            inputs.shape[0], y, sample_weight, mask
        )
        l2 = check_l2(l2)
        gradient_vector = np.empty_like(self.parameter_vector)
        dW, db = layer_views(gradient_vector, self.layer_sizes)
        gradients = list(zip(dW, db, strict=True))
        value = self.loss_and_gradient_into(
            inputs,
            targets,
            gradients,
            loss=get_loss(loss),
            sample_weight=weights,
            mask=observed,
            buffers=BatchBuffers.allocate(self.layer_sizes, inputs.shape[0], self.dtype),
        )
        if l2:
            n_weights = self.n_weights
            weights_only = self.parameter_vector[:n_weights]
            value += l2_penalty(weights_only, l2)
            add_l2_gradient(
                gradient_vector[:n_weights], weights_only, l2, np.empty_like(weights_only)
            )
        return value, gradients

    def loss_and_gradient_into(
        self,
        inputs: np.ndarray,
        targets: np.ndarray,
        gradients: Sequence[tuple[np.ndarray, np.ndarray]],
        *,
        loss: Loss,
        sample_weight: np.ndarray | None,
        mask: np.ndarray | None,
        buffers: BatchBuffers,
    ) -> float:
        """The training loop's fast path: ``J`` returned, ``∂J/∂W_l``, ``∂J/∂b_l`` written.

        Forward pass, loss and backpropagation for one batch whose arrays are already
        checked (shapes, dtype, weights, mask), reusing ``buffers``.

        Parameters
        ----------
        inputs : ndarray, shape (m, n_in), the network's dtype
        targets : ndarray, shape (m, n_out), the network's dtype
        gradients : sequence of (dW, db)
            Arrays shaped like ``weights[l]`` and ``biases[l]`` that receive the gradients;
            typically views into one flat gradient vector (see
            :func:`climann.model.parameters.layer_views`).
        loss : Loss
        sample_weight : ndarray, shape (m,), or None
        mask : ndarray of bool, shape (m, n_out), or None
        buffers : BatchBuffers
            For ``m`` rows.

        Returns
        -------
        float
            ``J`` on the batch (no penalty).
        """
        activations = self.layer_activations
        # The plain tuples of views: a little faster to index than ``self.weights``.
        pre_activations, layer_outputs = forward(
            inputs, self._weight_views, self._bias_views, activations, buffers, keep_derivatives=True
        )
        value, output_gradient = loss.value_and_gradient(
            layer_outputs[-1], targets, sample_weight, mask, out=buffers.gradients[-1]
        )
        backward(
            output_gradient,
            pre_activations,
            layer_outputs,
            self._weight_views,
            activations,
            gradients=gradients,
            buffers=buffers,
            derivatives_kept=True,
        )
        return value

    def astype(self, dtype: str | np.dtype) -> Network:
        """A copy of the network with parameters cast to ``dtype`` (e.g. for a gradient check)."""
        return Network.from_parameters(
            self.weights,
            self.biases,
            activation=[a.spec for a in self.activations],
            output_activation=self.output_activation.spec,
            dtype=dtype,
            metadata=self.metadata,
        )

    def copy(self) -> Network:
        """An independent copy (parameters and metadata copied)."""
        return self.astype(self.dtype)

    @classmethod
    def from_parameters(
        cls,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray],
        *,
        activation: str | Sequence[str] = "relu",
        output_activation: str = "identity",
        dtype: str | np.dtype = "float32",
        metadata: dict | None = None,
    ) -> Network:
        """A network with the given parameters (copied, cast to ``dtype``).

        Parameters
        ----------
        weights : sequence of ndarray, shapes (n_(l−1), n_l)
        biases : sequence of ndarray, shapes (n_l,)
        activation, output_activation, dtype : as for :class:`Network`
        metadata : dict, optional

        Raises
        ------
        ClimannError
            If the shapes do not chain into one network.
        """
        if (
            len(weights) == 0
            or len(weights) != len(biases)
            or any(np.ndim(w) != 2 for w in weights)
        ):
            raise ClimannError(
                "need one or more 2-D weight matrices and as many bias vectors; "
                f"got weight shapes {[np.shape(w) for w in weights]}, {len(biases)} bias vectors"
            )
        layer_sizes = [np.shape(weights[0])[0], *(np.shape(w)[-1] for w in weights)]
        network = cls(
            layer_sizes, activation=activation, output_activation=output_activation, dtype=dtype
        )
        for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
            expected_w, expected_b = network.weights[layer].shape, network.biases[layer].shape
            if np.shape(w) != expected_w or np.shape(b) != expected_b:
                raise ClimannError(
                    f"layer {layer}: weights {np.shape(w)} and biases {np.shape(b)} do not fit "
                    f"layer sizes {layer_sizes}; expected {expected_w} and {expected_b}"
                )
            network.weights[layer] = w
            network.biases[layer] = b
        network.metadata = copy.deepcopy(metadata) if metadata is not None else {}
        return network

    def save(self, path: str | PathLike, *, metadata: dict | None = None) -> None:
        """Write the network to a ``.npz`` file, atomically (see :mod:`climann.model.files`).

        Parameters
        ----------
        path : str or path-like
            Written exactly as given (no suffix is appended).
        metadata : dict, optional
            JSON-serialisable user metadata stored alongside; defaults to ``self.metadata``.

        Raises
        ------
        ClimannError
            If the metadata is not JSON-serialisable or the file cannot be written.
        """
        record = ModelRecord(
            layer_sizes=self.layer_sizes,
            activations=[a.spec for a in self.activations],
            output_activation=self.output_activation.spec,
            dtype=self.dtype.name,
            weights=list(self.weights),
            biases=list(self.biases),
            user_metadata=self.metadata if metadata is None else metadata,
        )
        write_model(path, record)

    @classmethod
    def load(cls, path: str | PathLike) -> Network:
        """Read a network written by :meth:`save`; its user metadata is in ``.metadata``.

        Raises
        ------
        ClimannError
            If the file is missing, not a climann model file, or inconsistent.
        """
        record = read_model(path)
        try:
            return cls.from_parameters(
                record.weights,
                record.biases,
                activation=record.activations,
                output_activation=record.output_activation,
                dtype=record.dtype,
                metadata=record.user_metadata,
            )
        except ClimannError as error:  # e.g. an activation this climann version does not know
            raise ClimannError(f"{os.fspath(path)}: {error}") from None

    def __repr__(self) -> str:
        names = [a.spec for a in self.activations]
        return (
            f"Network({self.layer_sizes}, activation={names}, "
            f"output_activation={self.output_activation.spec!r}, dtype={self.dtype.name!r})"
        )
