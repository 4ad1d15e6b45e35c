"""A feedforward network: forward pass, loss, and gradients by backpropagation.

Samples are rows: ``X : (m, n_in)``. A layer computes ``Z = A_prev @ W + b`` and
``A = σ(Z)`` with ``W : (n_in, n_out)``, ``b : (n_out,)``; this is the lesson's
``Z = σ(WᵀX + b)`` transposed, with ``X`` holding one sample per column there.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from os import PathLike

import numpy as np

from climann.errors import ClimannError
from climann.model.activations import Activation, get_activation
from climann.model.files import ModelRecord, read_model, write_model
from climann.model.initializers import get_initializer
from climann.model.losses import Loss, check_sample_weight, get_loss

__all__ = [
    "Network",
    "affine",
    "backward",
    "check_inputs",
    "check_targets",
    "forward",
    "layer_gradients",
]

DTYPES = ("float32", "float64")


def affine(inputs: np.ndarray, weights: np.ndarray, biases: np.ndarray) -> np.ndarray:
    """Pre-activation of a layer, ``Z = A_prev @ W + b`` (the lesson's ``WᵀX + b``).

    Parameters
    ----------
    inputs : ndarray, shape (m, n_in)
        ``A_prev``, the previous layer's activations (or ``X``).
    weights : ndarray, shape (n_in, n_out)
    biases : ndarray, shape (n_out,)

    Returns
    -------
    ndarray, shape (m, n_out)
    """
    pre_activation = inputs @ weights
    pre_activation += biases
    return pre_activation


def forward(
    inputs: np.ndarray,
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[Activation],
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Forward pass, ``Z_l = A_(l−1) @ W_l + b_l``, ``A_l = σ_l(Z_l)``, ``A_0 = X``.

    Parameters
    ----------
    inputs : ndarray, shape (m, n_in)
        ``X``.
    weights, biases : sequences of ndarray, shapes (n_(l−1), n_l) and (n_l,)
    activations : sequence of Activation, one per layer (the last is the output's)

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
    """
    pre_activations: list[np.ndarray] = []
    layer_outputs = [inputs]
    for layer_weights, layer_biases, activation in zip(weights, biases, activations, strict=True):
        pre_activation = affine(layer_outputs[-1], layer_weights, layer_biases)
        pre_activations.append(pre_activation)
        layer_outputs.append(activation.value(pre_activation))
    if layer_outputs[-1].dtype != inputs.dtype:
        raise TypeError(f"forward pass turned {inputs.dtype} into {layer_outputs[-1].dtype}")
    return pre_activations, layer_outputs


def layer_gradients(delta: np.ndarray, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of one layer's parameters, ``dW = A_prevᵀ δ`` and ``db = Σ_rows δ``.

    Parameters
    ----------
    delta : ndarray, shape (m, n_out)
        ``δ = ∂J/∂Z`` for this layer.
    inputs : ndarray, shape (m, n_in)
        ``A_prev``.

    Returns
    -------
    dW : ndarray, shape (n_in, n_out)
    db : ndarray, shape (n_out,)
    """
    return inputs.T @ delta, delta.sum(axis=0)


def backward(
    output_gradient: np.ndarray,
    pre_activations: Sequence[np.ndarray],
    layer_outputs: Sequence[np.ndarray],
    weights: Sequence[np.ndarray],
    activations: Sequence[Activation],
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

    Returns
    -------
    list of (dW, db), one per layer, shapes as ``weights[l]`` and ``biases[l]``
    """
    gradients: list[tuple[np.ndarray, np.ndarray]] = []  # filled from the last layer back
    gradient_wrt_activation = output_gradient  # ∂J/∂A_l, starting with ∂J/∂ŷ
    for layer in reversed(range(len(weights))):
        z, a = pre_activations[layer], layer_outputs[layer + 1]
        derivative = activations[layer].derivative(z, a)
        delta = np.multiply(gradient_wrt_activation, derivative, out=gradient_wrt_activation)
        gradients.append(layer_gradients(delta, layer_outputs[layer]))
        if layer > 0:  # ∂J/∂X is never needed
            gradient_wrt_activation = delta @ weights[layer].T
    gradients.reverse()
    return gradients


def _as_float_array(name: str, values: object, dtype: np.dtype) -> np.ndarray:
    """``values`` as an ndarray of ``dtype`` (no copy if it already is one)."""
    try:
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


class Network:
    """A feedforward neural network ``ŷ = σ_L(… σ_1(X @ W_1 + b_1) … @ W_L + b_L)``.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_in, n_hidden_1, …, n_out]``; at least two entries.
    activation : str or sequence of str, default "relu"
        Activation of the hidden layers: one name for all, or one name per hidden layer
        (see :data:`climann.model.activations.ACTIVATIONS`).
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
    weights : list of ndarray, shapes (layer_sizes[l], layer_sizes[l + 1])
    biases : list of ndarray, shapes (layer_sizes[l + 1],)
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
        rng = np.random.default_rng(seed)
        fans = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True))
        self.weights = [
            initializer(n_in=n_in, n_out=n_out, rng=rng, dtype=self.dtype) for n_in, n_out in fans
        ]
        self.biases = [np.zeros(n_out, dtype=self.dtype) for _, n_out in fans]
        self.metadata: dict = {}

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
        """The parameter arrays themselves (not copies): ``[W_1, b_1, W_2, b_2, …]``."""
        return [array for pair in zip(self.weights, self.biases, strict=True) for array in pair]

    def predict(self, X: np.ndarray, *, batch_size: int = 65536) -> np.ndarray:
        """Predictions ``ŷ``, computed ``batch_size`` rows at a time to bound memory.

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
        for start in range(0, X.shape[0], batch_size):
            batch = check_inputs(
                X[start : start + batch_size], n_inputs=self.n_inputs, dtype=self.dtype
            )
            _, layer_outputs = forward(batch, self.weights, self.biases, self.layer_activations)
            predictions[start : start + batch_size] = layer_outputs[-1]
        return predictions

    def loss(
        self,
        X: np.ndarray,
        y: np.ndarray,
        *,
        loss: str | Loss = "mse",
        sample_weight: np.ndarray | None = None,
        batch_size: int = 65536,
    ) -> float:
        """The loss ``J(ŷ, y)`` of the predictions (made in batches) on ``X``.

        Parameters
        ----------
        X : array_like, shape (m, n_in)
        y : array_like, shape (m, n_out)
        loss : str or Loss, default "mse"
        sample_weight : array_like, shape (m,), optional
        batch_size : int, default 65536
            Rows per batch of :meth:`predict`.

        Returns
        -------
        float
        """
        predictions = self.predict(X, batch_size=batch_size)
        targets = check_targets(
            y, n_samples=predictions.shape[0], n_outputs=self.n_outputs, dtype=self.dtype
        )
        weights = check_sample_weight(sample_weight, n_samples=predictions.shape[0])
        return get_loss(loss).value(predictions, targets, weights)

    def loss_and_gradients(
        self,
        X: np.ndarray,
        y: np.ndarray,
        *,
        loss: str | Loss = "mse",
        sample_weight: np.ndarray | None = None,
    ) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
        """The loss on ``(X, y)`` and its gradient for every weight and bias (backpropagation).

        Parameters
        ----------
        X : array_like, shape (m, n_in)
        y : array_like, shape (m, n_out)
            Always 2-D, also for one output.
        loss : str or Loss, default "mse"
            See :mod:`climann.model.losses`.
        sample_weight : array_like, shape (m,), optional

        Returns
        -------
        loss : float
        gradients : list of (dW, db)
            ``∂J/∂W_l`` and ``∂J/∂b_l``, shapes and dtype as ``weights[l]`` and ``biases[l]``.

        Raises
        ------
        ClimannError
            If shapes disagree with each other or with the network, or the weights are invalid.
        """
        inputs = check_inputs(X, n_inputs=self.n_inputs, dtype=self.dtype)
        targets = check_targets(
            y, n_samples=inputs.shape[0], n_outputs=self.n_outputs, dtype=self.dtype
        )
        weights = check_sample_weight(sample_weight, n_samples=inputs.shape[0])
        activations = self.layer_activations
        pre_activations, layer_outputs = forward(inputs, self.weights, self.biases, activations)
        loss_value, output_gradient = get_loss(loss).value_and_gradient(
            layer_outputs[-1], targets, weights
        )
        gradients = backward(
            output_gradient, pre_activations, layer_outputs, self.weights, activations
        )
        return loss_value, gradients

    def astype(self, dtype: str | np.dtype) -> Network:
        """A copy of the network with parameters cast to ``dtype`` (e.g. for a gradient check)."""
        return Network.from_parameters(
            [w.astype(dtype) for w in self.weights],
            [b.astype(dtype) for b in self.biases],
            activation=[a.name for a in self.activations],
            output_activation=self.output_activation.name,
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
            network.weights[layer] = np.array(w, dtype=network.dtype)
            network.biases[layer] = np.array(b, dtype=network.dtype)
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
            activations=[a.name for a in self.activations],
            output_activation=self.output_activation.name,
            dtype=self.dtype.name,
            weights=self.weights,
            biases=self.biases,
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
        return cls.from_parameters(
            record.weights,
            record.biases,
            activation=record.activations,
            output_activation=record.output_activation,
            dtype=record.dtype,
            metadata=record.user_metadata,
        )

    def __repr__(self) -> str:
        names = [a.name for a in self.activations]
        return (
            f"Network({self.layer_sizes}, activation={names}, "
            f"output_activation={self.output_activation.name!r}, dtype={self.dtype.name!r})"
        )
