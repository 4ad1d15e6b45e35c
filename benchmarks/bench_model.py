"""Training throughput of climann's NumPy network, and scikit-learn's MLPRegressor on the same job.

Job: 200 000 samples × 8 features, hidden (64, 64), ReLU, Adam, learning rate 1e-3, float32,
3 epochs, batch sizes 32, 256 and 1024. Prints samples/s, the ratio to scikit-learn (when
installed: `pip install -e ".[bench]"`), the final training loss of both, and climann's
fraction of the machine's matmul rate at these shapes. Each rate is the best of
``--repeats`` runs (default 3), so that other work on a shared machine disturbs it less.

BLAS threads: both libraries use NumPy's BLAS with its default thread count; set
``OPENBLAS_NUM_THREADS=1`` to compare single-threaded (the header shows the setting).

Run: ``make bench`` (or ``python benchmarks/bench_model.py --quick``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time

import numpy as np

from climann.model import Network, train

N_SAMPLES, N_FEATURES, HIDDEN, EPOCHS = 200_000, 8, (64, 64), 3


def make_job(n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A smooth nonlinear regression target of 8 standardised features."""
    inputs = rng.standard_normal((n_samples, N_FEATURES)).astype(np.float32)
    target = np.sin(inputs[:, :1]) + inputs[:, 1:2] * inputs[:, 2:3] + 0.1 * inputs[:, 3:4] ** 2
    return inputs, target.astype(np.float32)


def flops_per_sample() -> float:
    """Multiply-adds of forward + backward (≈ 3 × forward) counted as 2 FLOPs each."""
    sizes = [N_FEATURES, *HIDDEN, 1]
    return 3 * 2 * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def matmul_rate(batch_size: int, rng: np.random.Generator) -> float:
    """Measured float32 FLOP/s of the layer matmuls at this batch size."""
    sizes = [N_FEATURES, *HIDDEN, 1]
    mats = [(rng.standard_normal((batch_size, a)).astype(np.float32), rng.standard_normal((a, b)).astype(np.float32))
            for a, b in zip(sizes[:-1], sizes[1:])]
    repeats, started = 2000, time.perf_counter()
    for _ in range(repeats):
        for left, right in mats:
            left @ right
    seconds = time.perf_counter() - started
    return repeats * batch_size * 2 * sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) / seconds


def sklearn_like_network(*, seed: int) -> Network:
    """A network initialised with scikit-learn's scheme, so both start alike: weights and
    biases uniform in ±√(6 / (fan_in + fan_out)). climann's default keeps biases at zero,
    which on this job needs more steps (measured: 0.023 vs 0.011 final loss at batch 1024)."""
    network = Network([N_FEATURES, *HIDDEN, 1], activation="relu", init="glorot", seed=seed, dtype="float32")
    rng = np.random.default_rng([seed, 1])
    for weights, biases in zip(network.weights, network.biases):
        bound = np.sqrt(6 / sum(weights.shape))
        biases[...] = rng.uniform(-bound, bound, biases.shape)
    return network


def best_of(repeats: int, run) -> tuple[float, float]:
    """The highest rate of ``repeats`` runs of ``run() -> (samples/s, loss)``; the loss is the
    same every time (same seeds)."""
    results = [run() for _ in range(repeats)]
    return max(rate for rate, _ in results), results[-1][1]


def time_climann(inputs, target, batch_size: int) -> tuple[float, float]:
    network = sklearn_like_network(seed=0)
    started = time.perf_counter()
    history = train(network, inputs, target, epochs=EPOCHS, batch_size=batch_size, optimizer="adam",
                    learning_rate=1e-3, loss="mse", seed=0)
    return len(inputs) * EPOCHS / (time.perf_counter() - started), history.train_loss[-1]


def time_sklearn(inputs, target, batch_size: int) -> tuple[float, float]:
    from sklearn.neural_network import MLPRegressor

    model = MLPRegressor(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam", learning_rate_init=1e-3,
                         batch_size=batch_size, max_iter=EPOCHS, shuffle=True, random_state=0, tol=0,
                         n_iter_no_change=10**9, alpha=0.0)
    started = time.perf_counter()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after max_iter epochs is expected
        model.fit(inputs, target[:, 0])
    # sklearn's loss_ is ½·mean squared error, the same J as climann's "mse".
    return len(inputs) * EPOCHS / (time.perf_counter() - started), float(model.loss_)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 000 samples instead of 200 000")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement; the best counts")
    arguments = parser.parse_args()
    rng = np.random.default_rng(0)
    inputs, target = make_job(20_000 if arguments.quick else N_SAMPLES, rng)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"{len(inputs)} samples × {N_FEATURES} features, hidden {HIDDEN}, ReLU, Adam(1e-3), float32, "
          f"{EPOCHS} epochs; OPENBLAS_NUM_THREADS={threads}; best of {arguments.repeats}")
    print(f"{'batch':>6} {'climann/s':>11} {'sklearn/s':>11} {'ratio':>6} {'loss climann':>13} {'loss sklearn':>13} "
          f"{'matmul %':>9}")
    for batch_size in (32, 256, 1024):
        rate, loss = best_of(arguments.repeats, lambda: time_climann(inputs, target, batch_size))
        reference = None
        if importlib.util.find_spec("sklearn") is not None:
            reference = best_of(arguments.repeats, lambda: time_sklearn(inputs, target, batch_size))
        fraction = rate * flops_per_sample() / matmul_rate(batch_size, rng)
        if reference is None:
            print(f"{batch_size:>6} {rate:>11.0f} {'—':>11} {'—':>6} {loss:>13.5f} {'—':>13} {100 * fraction:>8.1f}%")
        else:
            print(f"{batch_size:>6} {rate:>11.0f} {reference[0]:>11.0f} {rate / reference[0]:>6.2f} "
                  f"{loss:>13.5f} {reference[1]:>13.5f} {100 * fraction:>8.1f}%")


if __name__ == "__main__":
    main()
