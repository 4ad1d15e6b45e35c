"""Training throughput: climann against scikit-learn's MLPRegressor and PyTorch eager (CPU).

The same job for all three: 200 000 samples × 8 features, hidden (64, 64), ReLU, output
identity, Adam (learning rate 1e-3, β 0.9/0.999, ε 1e-8), batch 256, float32, 3 epochs of
shuffled mini-batches, no penalty, J = ½·mean squared error; all three start from climann's
initial weights (He-normal, zero biases), copied into the others. One run each; only the
training is timed (climann's ``train``, scikit-learn's ``fit``, PyTorch's epoch loop), so
every rate is samples × epochs ÷ seconds of training. Each timed run follows an untimed
warm-up of the same code on the first :data:`WARM_UP_SAMPLES` samples: the first run in a
process pays for page faults, the BLAS library's start and the processor's clock ramp
(measured: climann's first run in a process 4–13 % slower than its second), and without it the row that
runs first would carry that cost alone.

The header names the BLAS library and the kernels it chose (threadpoolctl's
``architecture``): NumPy's OpenBLAS picks them for the processor when it loads, unless
``OPENBLAS_CORETYPE`` says otherwise, and on an AVX-512 processor its SkylakeX kernels make
the network's products 1.7× as fast as its Haswell ones (measured on an AMD EPYC: 12.1 µs
against 20.6 µs for 256 × 64 by 64 × 64). Rates from machines with other kernels are not
comparable.

Each library runs as a user gets it (its default threads) and with one thread, so that the
comparison is with the faster of the two: climann chooses its own BLAS threads
(:mod:`climann.model.threads`, one here); scikit-learn uses NumPy's BLAS (one thread per core
by default; ``threadpool_limits(1)`` for the other row); PyTorch its intra-op threads
(``torch.set_num_threads``). PyTorch's loop is the fastest eager form: a permutation per
epoch and index slicing of the tensors (a ``DataLoader`` collates sample by sample and is
slower).

A fourth row, idle only, is not a contender but a floor: the same training written as bare
NumPy calls, with none of climann's structure (:func:`run_numpy_floor`). climann ÷ floor is
what its function-per-formula structure costs; floor ÷ scikit-learn and floor ÷ PyTorch
bound the ratios that any network made of NumPy calls could show on this machine.

Then the same runs with the machine busy: one process per core spinning a NumPy loop,
started by this benchmark and always stopped in a ``finally``. There scikit-learn and PyTorch
run with one thread only (``--busy-defaults`` adds their default threads, which collapse:
measured, scikit-learn with NumPy's 2 threads fell from 221 k samples/s idle to 10 k busy, and
PyTorch's run with its 2 threads had not ended after 4 minutes, against 3.7 s idle). The load average
(``os.getloadavg``, as ``uptime`` shows it) is printed before every number, and the cores
that other processes kept busy while it was measured (from ``/proc/stat``; with the
benchmark's spinning processes among them when busy).

Targets (issue 15): idle, climann ≥ 4× scikit-learn and ≥ 5× PyTorch eager at batch 256;
busy, climann ≥ 40 % of its own idle rate.

``--threads`` prints instead the table behind :data:`climann.model.threads.WORK_PER_THREAD`:
climann's training steps with 1 against 2 BLAS threads for growing layers and batches, idle
and busy (``--idle-only``: idle only).

Run: ``make bench`` (or ``python benchmarks/bench_model.py``; scikit-learn and PyTorch come
with ``pip install -e ".[bench]"``, PyTorch's CPU wheel from its own index, see the Makefile).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import multiprocessing
import os
import time
import warnings
from collections.abc import Callable, Iterator

import numpy as np
from threadpoolctl import threadpool_limits

from climann.model import Network, train
from climann.model.parameters import layer_views
from climann.model.threads import available_cores, blas_threads, largest_product

N_SAMPLES, N_FEATURES, HIDDEN, EPOCHS, BATCH, LEARNING_RATE = 200_000, 8, (64, 64), 3, 256, 1e-3
#: Samples of the untimed warm-up run before each timed run (40 batches of 256, 3 epochs).
WARM_UP_SAMPLES = 10_240
LAYERS = [N_FEATURES, *HIDDEN, 1]


def make_job(n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A smooth nonlinear regression target of 8 standardised features."""
    inputs = rng.standard_normal((n_samples, N_FEATURES)).astype(np.float32)
    target = np.sin(inputs[:, :1]) + inputs[:, 1:2] * inputs[:, 2:3] + 0.1 * inputs[:, 3:4] ** 2
    return inputs, target.astype(np.float32)


def initial_network() -> Network:
    """climann's network with its default initialisation; the others copy its weights."""
    return Network(LAYERS, activation="relu", seed=0, dtype="float32")


def same_start(network: Network, predictions: np.ndarray, inputs: np.ndarray) -> None:
    """Check that another library's model, before training, predicts what climann's initial
    network does (float32 rounding apart): the same initial weights."""
    np.testing.assert_allclose(predictions, network.predict(inputs[:1000]), rtol=1e-4, atol=1e-5)


def cpu_name() -> str:
    """The processor's model name (Linux's /proc/cpuinfo), or the platform's word for it."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def load() -> str:
    """The 1-minute load average and the cores, as ``uptime`` and ``nproc`` give them."""
    return f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def _busy_seconds() -> float | None:
    """CPU seconds all processes have run since boot (Linux's /proc/stat; None elsewhere)."""
    try:
        with open("/proc/stat") as stat:
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    except (OSError, ValueError):
        return None
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def others_cpu() -> Iterator[list[float]]:
    """Cores that other processes kept busy during the block, on average (the list gets one
    value; none where /proc/stat is missing). The load average lags by a minute; this does not."""
    result: list[float] = []
    busy, own, started = _busy_seconds(), os.times(), time.perf_counter()
    yield result
    after, own_after = _busy_seconds(), os.times()
    if busy is not None and after is not None:
        ours = own_after.user + own_after.system - own.user - own.system
        result.append(max(0.0, (after - busy - ours) / (time.perf_counter() - started)))


def others_text(measured: list[float]) -> str:
    return f", others used {measured[0]:.2f} cores" if measured else ""


# ---------------------------------------------------------------------------------------------
# One run of each library: (samples/s, final training loss J)


def run_climann(inputs: np.ndarray, target: np.ndarray, batch_size: int) -> tuple[float, float]:
    network = initial_network()
    started = time.perf_counter()
    history = train(network, inputs, target, epochs=EPOCHS, batch_size=batch_size, optimizer="adam",
                    learning_rate=LEARNING_RATE, loss="mse", seed=0)
    return len(inputs) * EPOCHS / (time.perf_counter() - started), history.train_loss[-1]


def run_sklearn(inputs: np.ndarray, target: np.ndarray, batch_size: int) -> tuple[float, float]:
    from sklearn.neural_network import MLPRegressor

    model = MLPRegressor(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam", learning_rate_init=LEARNING_RATE,
                         batch_size=batch_size, max_iter=EPOCHS, shuffle=True, random_state=0, tol=0,
                         n_iter_no_change=10**9, alpha=0.0, warm_start=True)
    # partial_fit builds the model's attributes (one step, not timed); then climann's initial
    # weights replace its own, and fit (warm start: weights kept, a new Adam) trains from them.
    model.partial_fit(inputs[:batch_size], target[:batch_size, 0])
    network = initial_network()
    model.coefs_ = [weights.copy() for weights in network.weights]
    model.intercepts_ = [biases.copy() for biases in network.biases]
    model.n_iter_, model.t_, model.loss_curve_ = 0, 0, []
    same_start(network, model.predict(inputs[:1000])[:, None], inputs)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after max_iter epochs is expected
        model.fit(inputs, target[:, 0])
    seconds = time.perf_counter() - started
    assert model.n_iter_ == EPOCHS and model.coefs_[0].dtype == np.float32
    return len(inputs) * EPOCHS / seconds, float(model.loss_)  # loss_ is ½·mean squared error


def run_torch(inputs: np.ndarray, target: np.ndarray, batch_size: int) -> tuple[float, float]:
    import torch

    network = initial_network()
    linear = [torch.nn.Linear(n_in, n_out) for n_in, n_out in zip(LAYERS[:-1], LAYERS[1:])]
    with torch.no_grad():
        for layer, weights, biases in zip(linear, network.weights, network.biases):
            layer.weight.copy_(torch.from_numpy(weights.T.copy()))  # torch keeps W as (out, in)
            layer.bias.copy_(torch.from_numpy(biases.copy()))
    model = torch.nn.Sequential(linear[0], torch.nn.ReLU(), linear[1], torch.nn.ReLU(), linear[2])
    with torch.no_grad():
        same_start(network, model(torch.from_numpy(inputs[:1000])).numpy(), inputs)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8)
    X, y = torch.from_numpy(inputs), torch.from_numpy(target)
    generator = torch.Generator().manual_seed(0)
    started = time.perf_counter()
    for _ in range(EPOCHS):
        order = torch.randperm(len(X), generator=generator)
        loss_sum = torch.zeros(())
        for first in range(0, len(X), batch_size):
            chosen = order[first : first + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = 0.5 * torch.mean((model(X[chosen]) - y[chosen]) ** 2)
            loss.backward()
            optimizer.step()
            loss_sum += loss.detach() * len(chosen)
    seconds = time.perf_counter() - started
    return len(X) * EPOCHS / seconds, float(loss_sum) / len(X)


def run_numpy_floor(inputs: np.ndarray, target: np.ndarray, batch_size: int) -> tuple[float, float]:
    """The same training as bare NumPy calls: what any NumPy network can reach on this job.

    climann's arithmetic, call for call where it matters (a shuffled copy per epoch, the
    three products forward, ``Z += b``, ReLU as ``σ' = [z > 0]``, ``A = Z·σ'``, the five
    products backward, ``db = 1ᵀδ``, Adam's update over one flat vector of the 4 801
    parameters, the batch loss J summed for the epoch's mean), with none of climann's
    structure: no function per formula, no checks, no divergence guard, no callbacks, and the
    last partial batch of each epoch left out. Not a contender, a floor: a
    step here costs the NumPy calls alone, so climann ÷ floor is what its structure costs,
    and floor ÷ another library bounds the ratio any NumPy implementation could show.
    """
    network = initial_network()
    parameters = network.parameter_vector.copy()
    gradient = np.zeros_like(parameters)
    (W1, W2, W3), (b1, b2, b3) = layer_views(parameters, LAYERS)
    (dW1, dW2, dW3), (db1, db2, db3) = layer_views(gradient, LAYERS)
    first, second, buffer = (np.zeros_like(parameters) for _ in range(3))
    m, dtype = batch_size, np.float32
    Z1, D1, A1, G1 = (np.empty((m, 64), dtype) for _ in range(4))
    Z2, D2, A2, G2 = (np.empty((m, 64), dtype) for _ in range(4))
    Z3, ones = np.empty((m, 1), dtype), np.ones(m, dtype)
    shuffled_inputs, shuffled_target = np.empty_like(inputs), np.empty_like(target)
    rng, n_steps, beta1, beta2 = np.random.default_rng(0), 0, 0.9, 0.999
    started = time.perf_counter()
    for _ in range(EPOCHS):
        loss_sum = 0.0
        order = rng.permutation(len(inputs))
        np.take(inputs, order, axis=0, out=shuffled_inputs, mode="clip")
        np.take(target, order, axis=0, out=shuffled_target, mode="clip")
        for start in range(0, len(inputs) - m + 1, m):  # whole batches only (the last partial one skipped)
            X, y = shuffled_inputs[start:start + m], shuffled_target[start:start + m]
            np.matmul(X, W1, out=Z1); Z1 += b1; np.greater(Z1, 0, out=D1); np.multiply(Z1, D1, out=A1)  # noqa: E702
            np.matmul(A1, W2, out=Z2); Z2 += b2; np.greater(Z2, 0, out=D2); np.multiply(Z2, D2, out=A2)  # noqa: E702
            np.matmul(A2, W3, out=Z3); Z3 += b3  # noqa: E702
            Z3 -= y; loss_sum += np.vdot(Z3, Z3); Z3 *= 1 / m  # ∂J/∂ŷ for J = 1/(2m) Σ (ŷ − y)²  # noqa: E702
            np.matmul(A2.T, Z3, out=dW3); np.matmul(ones, Z3, out=db3); np.dot(Z3, W3.T, out=G2)  # noqa: E702
            G2 *= D2; np.matmul(A1.T, G2, out=dW2); np.matmul(ones, G2, out=db2)  # noqa: E702
            np.matmul(G2, W2.T, out=G1); G1 *= D1  # noqa: E702
            np.matmul(X.T, G1, out=dW1); np.matmul(ones, G1, out=db1)  # noqa: E702
            n_steps += 1
            first *= beta1; np.multiply(gradient, 1 - beta1, out=buffer); first += buffer  # noqa: E702
            second *= beta2; np.square(gradient, out=buffer); buffer *= 1 - beta2; second += buffer  # noqa: E702
            correction = np.sqrt(1 - beta2**n_steps)
            np.sqrt(second, out=buffer); buffer += 1e-8 * correction; np.divide(first, buffer, out=buffer)  # noqa: E702
            buffer *= LEARNING_RATE * correction / (1 - beta1**n_steps); parameters -= buffer  # noqa: E702
    seconds = time.perf_counter() - started
    n_trained = len(inputs) // m * m
    return n_trained * EPOCHS / seconds, 0.5 * float(loss_sum) / n_trained  # J over the last epoch's batches


@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """PyTorch's intra-op threads for the block (None: its default)."""
    import torch

    default = torch.get_num_threads()
    torch.set_num_threads(threads or default)
    try:
        yield
    finally:
        torch.set_num_threads(default)


def contenders(*, defaults: bool = True) -> list[tuple[str, Callable[[], contextlib.AbstractContextManager], Callable]]:
    """(label, context of its thread setting, run) of each library installed; the other
    libraries with their default threads only if ``defaults``."""
    cores = available_cores()
    rows = [(f"climann ({blas_threads(LAYERS, BATCH)} BLAS thread, its own choice)", contextlib.nullcontext,
             run_climann)]
    if importlib.util.find_spec("sklearn") is not None:
        if defaults:
            rows.append((f"scikit-learn (NumPy's default {cores} BLAS threads)", contextlib.nullcontext, run_sklearn))
        rows.append(("scikit-learn (1 BLAS thread)", lambda: threadpool_limits(limits=1, user_api="blas"), run_sklearn))
    if importlib.util.find_spec("torch") is not None:
        import torch

        if defaults:
            label = f"PyTorch eager (default {torch.get_num_threads()} threads)"
            rows.append((label, contextlib.nullcontext, run_torch))
        rows.append(("PyTorch eager (1 thread)", lambda: torch_threads(1), run_torch))
    return rows


# ---------------------------------------------------------------------------------------------
# A busy machine: one process per core spinning NumPy


def _spin() -> None:
    """Keep one core busy with NumPy until killed (elementwise work: no BLAS threads)."""
    values = np.random.default_rng(0).random(100_000)
    while True:
        np.sin(values, out=values)


@contextlib.contextmanager
def busy_machine(n_processes: int) -> Iterator[None]:
    """``n_processes`` processes spinning :func:`_spin` for the block; killed afterwards,
    whatever happens."""
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_spin, daemon=True) for _ in range(n_processes)]
    try:
        for process in processes:
            process.start()
        time.sleep(2.0)  # let them start and the load average rise
        yield
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join(timeout=10)


def warmed_up(run: Callable, inputs: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """``run`` on the first :data:`WARM_UP_SAMPLES` samples (not timed), then on all of them."""
    run(inputs[:WARM_UP_SAMPLES], target[:WARM_UP_SAMPLES], BATCH)
    return run(inputs, target, BATCH)


def blas_text() -> str:
    """NumPy's BLAS library, its version and the kernels it chose, as threadpoolctl sees them."""
    import threadpoolctl

    libraries = [info for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"]
    if not libraries:
        return "NumPy's BLAS: not found by threadpoolctl"
    info = libraries[0]
    chosen = (f"OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} set"
              if "OPENBLAS_CORETYPE" in os.environ else "its own choice")
    return (f"NumPy's BLAS: {info['internal_api']} {info['version']}, "
            f"{info.get('architecture') or 'unknown'} kernels ({chosen})")


def measure(inputs: np.ndarray, target: np.ndarray, *, defaults: bool = True) -> dict[str, tuple[float, float, str]]:
    """One run of each contender, after its warm-up: label → (samples/s, final loss, load before it)."""
    results = {}
    for label, threads, run in contenders(defaults=defaults):
        before = load()
        with threads(), others_cpu() as others:
            rate, loss = warmed_up(run, inputs, target)
        results[label] = (rate, loss, before)
        print(f"  {label:<52} {rate:>11,.0f} samples/s   loss {loss:.5f}   ({before}{others_text(others)})",
              flush=True)
    return results


FLOOR_LABEL = "bare NumPy calls, 1 BLAS thread (a floor)"


def measure_floor(inputs: np.ndarray, target: np.ndarray) -> dict[str, tuple[float, float, str]]:
    """:func:`run_numpy_floor`, once after its warm-up, with one BLAS thread (climann's own choice here)."""
    before = load()
    with threadpool_limits(limits=1, user_api="blas"), others_cpu() as others:
        rate, loss = warmed_up(run_numpy_floor, inputs, target)
    print(f"  {FLOOR_LABEL:<52} {rate:>11,.0f} samples/s   loss {loss:.5f}   ({before}{others_text(others)})",
          flush=True)
    return {FLOOR_LABEL: (rate, loss, before)}


def verdict(idle: dict, busy: dict | None) -> None:
    """The targets, against the faster setting of each other library; with the floor of
    :func:`run_numpy_floor` in ``idle``, the most any NumPy network could show."""
    ours = next(label for label in idle if label.startswith("climann"))
    for name, target in (("scikit-learn", 4.0), ("PyTorch", 5.0)):
        theirs = [rate for label, (rate, _, _) in idle.items() if label.startswith(name)]
        if theirs:
            ratio = idle[ours][0] / max(theirs)
            print(f"idle: climann / fastest {name} = {ratio:.2f} (target ≥ {target:g}: "
                  f"{'met' if ratio >= target else f'missed by {100 * (1 - ratio / target):.0f} %'})")
            if FLOOR_LABEL in idle:
                print(f"      bare NumPy calls / fastest {name} = {idle[FLOOR_LABEL][0] / max(theirs):.2f}")
    if FLOOR_LABEL in idle:
        print(f"idle: climann runs at {100 * idle[ours][0] / idle[FLOOR_LABEL][0]:.0f} % of the bare NumPy calls' rate")
    if busy is None:
        return
    kept = busy[ours][0] / idle[ours][0]
    met = "met" if kept >= 0.4 else "missed"
    print(f"busy: climann kept {100 * kept:.0f} % of its idle rate (target ≥ 40 %: {met})")


# ---------------------------------------------------------------------------------------------
# The threads table behind climann.model.threads.WORK_PER_THREAD


def steps_rate(hidden: int, batch_size: int, threads: int, rng: np.random.Generator, n_samples: int) -> float:
    """climann's training samples/s with ``threads`` BLAS threads forced (as a user's
    OPENBLAS_NUM_THREADS does: climann then keeps the setting)."""
    inputs = rng.standard_normal((n_samples, N_FEATURES)).astype(np.float32)
    target = np.sin(inputs[:, :1])
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    try:
        with threadpool_limits(limits=threads, user_api="blas"):
            network = Network([N_FEATURES, hidden, hidden, 1], seed=0)
            started = time.perf_counter()
            train(network, inputs, target, epochs=1, batch_size=batch_size, optimizer="adam", learning_rate=1e-4)
            return n_samples / (time.perf_counter() - started)
    finally:
        del os.environ["OPENBLAS_NUM_THREADS"]


THREAD_ROWS = ((64, 256), (64, 4096), (128, 1024), (256, 1024), (256, 4096), (512, 1024), (512, 4096), (1024, 4096))


def threads_table(rng: np.random.Generator, *, repeats: int) -> None:
    """The table behind WORK_PER_THREAD: samples/s with 1 and 2 BLAS threads, best of
    ``repeats`` (run alternately, so that a change of the machine's load hits both alike)."""
    print(f"{'hidden':>7} {'batch':>6} {'m·k·n':>10} {'1 thread/s':>12} {'2 threads/s':>12} {'2 ÷ 1':>6}  load")
    for hidden, batch_size in THREAD_ROWS:
        # About 0.3 s per run with one thread (≈ 6·h² FLOPs per sample at ≈ 10 GFLOP/s), at least 4 batches.
        n_samples = max(4 * batch_size, int(3e9 / (6 * hidden * hidden)) // batch_size * batch_size)
        before = load()
        rates: dict[int, list[float]] = {1: [], 2: []}
        with others_cpu() as others:
            for _ in range(repeats):
                for threads in (1, 2):
                    rates[threads].append(steps_rate(hidden, batch_size, threads, rng, n_samples))
        one, two = max(rates[1]), max(rates[2])
        work = largest_product([N_FEATURES, hidden, hidden, 1], batch_size)
        print(f"{hidden:>7} {batch_size:>6} {work:>10.2g} {one:>12,.0f} {two:>12,.0f} {two / one:>6.2f}  "
              f"{before}{others_text(others)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 000 samples instead of 200 000")
    parser.add_argument("--idle-only", action="store_true", help="skip the runs on a busy machine")
    parser.add_argument("--threads", action="store_true", help="print the 1 against 2 BLAS threads table instead")
    parser.add_argument("--busy-defaults", action="store_true",
                        help="on the busy machine, also run scikit-learn and PyTorch with their default threads "
                             "(slow: minutes each)")
    arguments = parser.parse_args()
    rng = np.random.default_rng(0)
    if arguments.threads:
        print(f"climann training steps (Adam), 1 against 2 BLAS threads; idle: best of 3 ({load()})")
        threads_table(rng, repeats=3)
        if not arguments.idle_only:
            n_busy = os.cpu_count() or 1
            print(f"busy: {n_busy} processes spinning NumPy, one per core; best of 2")
            with busy_machine(n_busy):
                threads_table(rng, repeats=2)
        return
    inputs, target = make_job(20_000 if arguments.quick else N_SAMPLES, rng)
    print(f"{len(inputs)} samples × {N_FEATURES} features, hidden {HIDDEN}, ReLU, Adam({LEARNING_RATE:g}), "
          f"batch {BATCH}, float32, {EPOCHS} epochs, one run each after a warm-up, climann's initial weights for all")
    print(f"{blas_text()}; {os.cpu_count()} cores: {cpu_name()}")
    print("idle (nothing started by this benchmark):")
    idle = measure(inputs, target)
    idle.update(measure_floor(inputs, target))
    if arguments.idle_only:
        verdict(idle, None)
        return
    n_busy = os.cpu_count() or 1
    print(f"busy: {n_busy} processes spinning NumPy, one per core:")
    with busy_machine(n_busy):
        busy = measure(inputs, target, defaults=arguments.busy_defaults)
    verdict(idle, busy)


if __name__ == "__main__":
    main()
