"""The lesson's figures, for teachers (``climann plot lesson --out DIR``) and notebook 01.

Four PNG files (names in :data:`LESSON_FIGURE_FILES`): the activation functions σ(z) with
their derivatives σ'(z); gradient descent ``w ← w − λ ∂J/∂w`` on the loss curve of a
one-parameter neuron; the same with a learning rate too small, about right and too large;
and gradient descent on the loss surface J(w, b) of a neuron with a weight and a bias.

The toy problem is one neuron without activation, ``ŷ = w·x + b``, on a small seeded data set
(:func:`toy_data`). Its loss is the lesson's ``J = 1/(2m) Σ(ŷ − y)²`` computed by climann's
own loss (:mod:`climann.model.losses`), and every gradient-descent step takes its gradient
from climann's backpropagation (:meth:`climann.model.Network.loss_and_gradients`): the
figures show the code that trains the real networks, not a re-implementation.

The ``*_figure`` functions return a :class:`matplotlib.figure.Figure` (not registered with
pyplot: a notebook displays it as a cell's value); :func:`draw_lesson_figures` writes them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from climann.errors import ClimannError
from climann.evaluation.figures.style import _save
from climann.model.activations import get_activation
from climann.model.losses import MeanSquaredError
from climann.model.network import Network

__all__ = [
    "LESSON_ACTIVATIONS",
    "LESSON_FIGURE_FILES",
    "LEARNING_RATES_1D",
    "LEARNING_RATES_2D",
    "START_1D",
    "START_2D",
    "activations_figure",
    "descent_path",
    "draw_lesson_figures",
    "gradient_descent_figure",
    "learning_rates_figure",
    "loss_surface",
    "loss_surface_figure",
    "toy_data",
]

#: File names of the lesson's figures in the folder given to :func:`draw_lesson_figures`.
LESSON_FIGURE_FILES = {
    "activations": "activations.png",
    "gradient_descent": "gradient_descent.png",
    "learning_rates": "learning_rates.png",
    "loss_surface": "loss_surface.png",
}

#: The activations drawn, with the formula in each panel's title.
LESSON_ACTIVATIONS = {
    "identity": "identity: σ(z) = z",
    "sigmoid": "sigmoid: σ(z) = 1 / (1 + e^(−z))",
    "tanh": "tanh: σ(z) = tanh(z)",
    "relu": "ReLU: σ(z) = max(0, z)",
    "leaky_relu(0.1)": "leaky ReLU: σ(z) = max(0.1·z, z)",
    "elu": "ELU: σ(z) = z, or e^z − 1 for z < 0",
    "softplus": "softplus: σ(z) = log(1 + e^z)",
    "silu": "SiLU: σ(z) = z · sigmoid(z)",
}

#: Learning rates λ (too small, about right, too large) for the one-parameter neuron
#: ``ŷ = w·x`` on :func:`toy_data`: gradient descent diverges beyond λ = 2/mean(x²) ≈ 0.70.
LEARNING_RATES_1D = {"too small": 0.02, "about right": 0.25, "too large": 0.75}
#: The same for ``ŷ = w·x + b``: it diverges beyond 2/(largest eigenvalue of the Hessian) ≈ 0.53.
LEARNING_RATES_2D = {"too small": 0.05, "about right": 0.45, "too large": 0.56}

RATE_COLORS = {"too small": "tab:blue", "about right": "tab:green", "too large": "tab:red"}
START_1D = -1.0  # the initial weight w of the one-parameter neuron
START_2D = (-1.0, 3.5)  # the initial (w, b) of the two-parameter neuron


def toy_data(*, n_samples: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A small data set for the toy neuron: ``y = 1.5·x + 0.5 + noise``.

    Parameters
    ----------
    n_samples : int, default 40
    seed : int, default 0
        Seed of the ``numpy.random.Generator`` drawing ``x ~ U(0.5, 2.5)`` and the noise
        ``~ N(0, 0.3²)``.

    Returns
    -------
    x, y : ndarray of float64, shape (n_samples,)
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 2.5, n_samples)
    return x, 1.5 * x + 0.5 + rng.normal(0.0, 0.3, n_samples)


def loss_surface(x: np.ndarray, y: np.ndarray, weights: np.ndarray, biases: np.ndarray | float = 0.0) -> np.ndarray:
    """The loss ``J(w, b) = 1/(2m) Σ(w·x + b − y)²`` of the neuron ``ŷ = w·x + b`` for many
    (w, b) at once, with climann's MSE.

    Parameters
    ----------
    x, y : ndarray, shape (m,)
    weights : ndarray, any shape
        Values of ``w``.
    biases : ndarray broadcastable with ``weights``, or float, default 0
        Values of ``b``.

    Returns
    -------
    ndarray, shape of ``weights`` and ``biases`` broadcast together
    """
    w, b = np.broadcast_arrays(np.asarray(weights, np.float64), np.asarray(biases, np.float64))
    residual = w[..., np.newaxis] * x + b[..., np.newaxis] - y  # (..., m)
    return MeanSquaredError().pointwise(residual).mean(axis=-1)  # the mean of ½a² is J


def descent_path(
    x: np.ndarray,
    y: np.ndarray,
    *,
    learning_rate: float,
    n_steps: int,
    start: tuple[float, float] = (START_1D, 0.0),
    fit_bias: bool = True,
) -> np.ndarray:
    """Full-batch gradient descent ``w ← w − λ ∂J/∂w`` (and ``b ← b − λ ∂J/∂b``) on the neuron
    ``ŷ = w·x + b``: a :class:`Network` ``[1, 1]`` with its gradients from backpropagation.

    Parameters
    ----------
    x, y : ndarray, shape (m,)
    learning_rate : float
        ``λ``.
    n_steps : int
    start : (float, float), default (-1, 0)
        The initial ``(w, b)``.
    fit_bias : bool, default True
        False keeps ``b`` at its initial value (the one-parameter neuron ``ŷ = w·x`` when 0).

    Returns
    -------
    ndarray, shape (n_steps + 1, 3)
        ``w``, ``b`` and ``J`` before each step, then after the last one.
    """
    network = Network([1, 1], output_activation="identity", dtype="float64")
    network.weights[0][0, 0], network.biases[0][0] = start
    inputs, targets = x[:, np.newaxis], y[:, np.newaxis]
    path = []
    for _ in range(n_steps):
        loss, [(weight_gradient, bias_gradient)] = network.loss_and_gradients(inputs, targets)
        path.append((network.weights[0][0, 0], network.biases[0][0], loss))
        network.weights[0] -= learning_rate * weight_gradient
        if fit_bias:
            network.biases[0] -= learning_rate * bias_gradient
    path.append((network.weights[0][0, 0], network.biases[0][0], network.loss(inputs, targets)))
    return np.array(path, dtype=np.float64)


def activations_figure(names: Sequence[str] = tuple(LESSON_ACTIVATIONS), *, z_limit: float = 4.0) -> Figure:
    """Each activation σ(z) (solid) and its derivative σ'(z) (dashed), one panel each,
    computed by :mod:`climann.model.activations`.

    Parameters
    ----------
    names : sequence of str
        Activation names (see :func:`climann.model.activations.get_activation`).
    z_limit : float, default 4
        z runs over [−z_limit, z_limit].

    Returns
    -------
    matplotlib.figure.Figure
    """
    n_columns = min(4, len(names))
    n_rows = -(-len(names) // n_columns)
    figure = Figure(figsize=(3.4 * n_columns, 3.0 * n_rows + 0.6), layout="constrained")
    axes = figure.subplots(n_rows, n_columns, sharex=True, sharey=True, squeeze=False).ravel()
    z = np.linspace(-z_limit, z_limit, 801)
    for axis, name in zip(axes, names):
        activation = get_activation(name)
        value = activation.value(z.copy())
        axis.axhline(0, color="0.6", linewidth=0.8)
        axis.axvline(0, color="0.6", linewidth=0.8)
        axis.plot(z, value, color="tab:blue", linewidth=2, label="σ(z)")
        axis.plot(z, activation.derivative(z, value), color="tab:orange", linestyle="--", linewidth=1.8, label="σ′(z)")
        axis.set_title(LESSON_ACTIVATIONS.get(name, name), fontsize=10)
        axis.grid(True, alpha=0.3)
    for axis in axes[len(names):]:
        axis.set_visible(False)
    for axis in axes[-n_columns:]:
        axis.set_xlabel("z = wᵀx + b")
    axes[0].set_ylim(-1.5, z_limit + 0.2)
    axes[0].legend(loc="upper left")
    figure.suptitle("Activation functions σ(z) (solid) and their derivatives σ′(z) (dashed): "
                    "backpropagation multiplies the error signal by σ′(z)")
    return figure


def _draw_loss_curve(axis: Axes, x: np.ndarray, y: np.ndarray, path: np.ndarray, *, color: str) -> None:
    """J(w) of the one-parameter neuron, and the steps of ``path`` on it, numbered."""
    finite = path[np.isfinite(path[:, 0])]
    low, high = min(-1.5, finite[:, 0].min() - 0.2), max(4.5, finite[:, 0].max() + 0.2)
    weights = np.linspace(low, high, 400)
    axis.plot(weights, loss_surface(x, y, weights), color="0.25", linewidth=1.5, label="J(w)")
    axis.plot(path[:, 0], path[:, 2], "-o", color=color, markersize=4, linewidth=1, label="gradient-descent steps")
    for step in range(min(4, len(path))):
        axis.annotate(str(step), (path[step, 0], path[step, 2]), textcoords="offset points", xytext=(4, 5),
                      fontsize=8, color=color)
    best = (x @ y) / (x @ x)  # the least-squares weight of ŷ = w·x
    axis.axvline(best, color="0.5", linestyle=":", label=f"minimum, w = {best:.2f}")
    axis.set_xlim(low, high)
    axis.set_ylim(0, max(float(loss_surface(x, y, np.array([low, high])).max()), 1.0) * 1.02)
    axis.set_xlabel("weight w")
    axis.set_ylabel("loss J(w)")
    axis.grid(True, alpha=0.3)


def _draw_loss_per_step(axis: Axes, path: np.ndarray, *, color: str, label: str | None = None) -> None:
    """J after each step, on a log scale."""
    axis.plot(np.arange(len(path)), path[:, 2], "-o", color=color, markersize=3.5, label=label)
    axis.set_yscale("log")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    axis.set_xlabel("step")
    axis.set_ylabel("loss J (log scale)")
    axis.grid(True, which="both", alpha=0.3)


def _draw_slope(axis: Axes, path: np.ndarray, learning_rate: float) -> None:
    """The tangent of J(w) at the first point of ``path``, of slope ∂J/∂w = (w₀ − w₁)/λ."""
    w, loss = path[0, 0], path[0, 2]
    slope = (path[0, 0] - path[1, 0]) / learning_rate
    axis.plot([w - 0.5, w + 0.5], [loss - 0.5 * slope, loss + 0.5 * slope], color="tab:purple", linewidth=2.5,
              label=f"slope ∂J/∂w = {slope:.3g} at w = {w:g}")


def gradient_descent_figure(*, learning_rate: float = 0.1, n_steps: int = 10) -> Figure:
    """Gradient descent on the loss curve J(w) of the neuron ``ŷ = w·x`` (left) and the loss
    after each step (right), on :func:`toy_data`.

    Parameters
    ----------
    learning_rate : float
        ``λ``.
    n_steps : int, default 8

    Returns
    -------
    matplotlib.figure.Figure
    """
    x, y = toy_data()
    path = descent_path(x, y, learning_rate=learning_rate, n_steps=n_steps, start=(START_1D, 0.0), fit_bias=False)
    figure = Figure(figsize=(11, 4.5), layout="constrained")
    curve, steps = figure.subplots(1, 2, width_ratios=(1.5, 1))
    _draw_loss_curve(curve, x, y, path, color="tab:green")
    _draw_slope(curve, path, learning_rate)
    curve.legend(loc="upper center")
    curve.set_title(f"{n_steps} steps w ← w − λ ∂J/∂w from w = {START_1D:g}, λ = {learning_rate:g}")
    _draw_loss_per_step(steps, path, color="tab:green")
    steps.set_title("The loss after each step")
    figure.suptitle(f"Gradient descent on the loss J(w) = 1/(2m) Σ(w·x − y)² of one neuron ŷ = w·x "
                    f"({len(x)} toy samples)")
    return figure


def learning_rates_figure(rates: dict[str, float] | None = None, *, n_steps: int = 12) -> Figure:
    """Gradient descent on J(w) of the neuron ``ŷ = w·x`` with three learning rates (top)
    and the loss after each step (bottom).

    Parameters
    ----------
    rates : dict of str to float, optional
        Label → ``λ``; default :data:`LEARNING_RATES_1D` (too small, about right, too large).
    n_steps : int, default 12

    Returns
    -------
    matplotlib.figure.Figure
    """
    rates = rates or LEARNING_RATES_1D
    x, y = toy_data()
    figure = Figure(figsize=(4.2 * len(rates), 7.5), layout="constrained")
    axes = figure.subplots(2, len(rates), squeeze=False)
    for column, (label, rate) in enumerate(rates.items()):
        color = RATE_COLORS.get(label, f"C{column}")
        path = descent_path(x, y, learning_rate=rate, n_steps=n_steps, start=(START_1D, 0.0), fit_bias=False)
        _draw_loss_curve(axes[0, column], x, y, path, color=color)
        axes[0, column].set_title(f"λ = {rate:g}: {label}", color=color)
        _draw_loss_per_step(axes[1, column], path, color=color)
    axes[0, 0].legend(loc="upper center", fontsize=8)
    limit = 2 / np.mean(x * x)  # J'' = mean(x²): steps overshoot for λ > 1/J'', diverge for λ > 2/J''
    figure.suptitle(f"The learning rate λ in w ← w − λ ∂J/∂w: {n_steps} steps from w = {START_1D:g} "
                    f"(here diverging for λ > 2/mean(x²) = {limit:.2f})")
    return figure


def _inside(path: np.ndarray, weights: np.ndarray, biases: np.ndarray) -> np.ndarray:
    """The points of ``path`` up to the first one outside the plotted (w, b) box, inclusive."""
    outside = ((path[:, 0] < weights.min()) | (path[:, 0] > weights.max())
               | (path[:, 1] < biases.min()) | (path[:, 1] > biases.max()))
    return path[: int(np.argmax(outside)) + 1] if outside.any() else path


def loss_surface_figure(rates: dict[str, float] | None = None, *, n_steps: int = 60) -> Figure:
    """Contours of the loss surface J(w, b) of the neuron ``ŷ = w·x + b`` and the paths of
    gradient descent with several learning rates.

    Parameters
    ----------
    rates : dict of str to float, optional
        Label → ``λ``; default :data:`LEARNING_RATES_2D`.
    n_steps : int, default 30

    Returns
    -------
    matplotlib.figure.Figure
    """
    rates = rates or LEARNING_RATES_2D
    x, y = toy_data()
    weights, biases = np.meshgrid(np.linspace(-1.6, 3.4, 201), np.linspace(-2.5, 4.5, 201))
    surface = loss_surface(x, y, weights, biases)
    figure = Figure(figsize=(9.5, 7), layout="constrained")
    axis = figure.subplots()
    levels = np.geomspace(surface.min() * 1.05, surface.max(), 16)
    contours = axis.contourf(weights, biases, surface, levels=levels, cmap="Greys", norm="log", alpha=0.8)
    figure.colorbar(contours, ax=axis, label="loss J(w, b) (log scale)", format="%.2g")
    for label, rate in rates.items():
        path = descent_path(x, y, learning_rate=rate, n_steps=n_steps, start=START_2D)
        shown = _inside(path, weights, biases)
        left = f", left the plot after {len(shown) - 1}" if len(shown) < len(path) else ""
        axis.plot(shown[:, 0], shown[:, 1], "-o", color=RATE_COLORS.get(label), markersize=3, linewidth=1.2,
                  label=f"λ = {rate:g} ({label}): J = {path[-1, 2]:.3g} after {n_steps} steps{left}")
    (best_w, best_b), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
    axis.plot(best_w, best_b, "*", color="gold", markeredgecolor="black", markersize=16,
              label="minimum (least squares)")
    axis.set_xlim(weights.min(), weights.max())
    axis.set_ylim(biases.min(), biases.max())
    axis.set_xlabel("weight w")
    axis.set_ylabel("bias b")
    axis.legend(loc="lower left", fontsize=8)
    figure.suptitle("Gradient descent on the loss surface J(w, b) = 1/(2m) Σ(w·x + b − y)² of one neuron ŷ = w·x + b")
    axis.set_title(f"{n_steps} steps from (w, b) = {START_2D}: large steps zigzag across the narrow valley, "
                   "all are slow along it", fontsize=10)
    return figure


def _output_directory(directory: str | Path) -> Path:
    """``directory``, created if missing; a ClimannError if it is a file or cannot be made."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ClimannError(f"{directory} exists and is not a directory; give a folder for the lesson's figures")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ClimannError(f"cannot create directory {directory}: {error.strerror or error}") from None
    return directory


def draw_lesson_figures(directory: str | Path, *, dpi: int = 150) -> list[Path]:
    """Write the lesson's figures into ``directory`` as PNG files (names in
    :data:`LESSON_FIGURE_FILES`), each atomically.

    Parameters
    ----------
    directory : str or Path
        Created (with its parents) if missing; existing files of the same names are replaced.
    dpi : int, default 150
        Resolution of the PNG files.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ClimannError
        If ``directory`` is an existing file or cannot be created or written, or ``dpi`` is
        not a positive integer.

    Examples
    --------
    >>> draw_lesson_figures("lesson_figures")  # doctest: +SKIP
    [PosixPath('lesson_figures/activations.png'), ...]
    """
    if isinstance(dpi, bool) or not isinstance(dpi, int | np.integer) or dpi < 1:
        raise ClimannError(f"dpi must be a positive integer; got {dpi!r}")
    directory = _output_directory(directory)
    builders: dict[str, Callable[[], Figure]] = {
        "activations": activations_figure,
        "gradient_descent": gradient_descent_figure,
        "learning_rates": learning_rates_figure,
        "loss_surface": loss_surface_figure,
    }
    return [_save(build(), directory / LESSON_FIGURE_FILES[name], int(dpi)) for name, build in builders.items()]
