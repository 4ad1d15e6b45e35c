"""Training on a local dask cluster against one process: test MSE and wall time with default settings.

1. **The sample** (``climann sample-data``'s default: 20 years at 5°, 435 000 training
   samples): ``run_training`` with the default settings (hidden 64, 64; Adam 1e-3; batches
   of 256; 15 epochs) and seeds 0 … ``--seeds`` − 1 (default 10), first in this process, then
   on a ``LocalCluster`` of 2 worker processes (one thread each) through ``[compute]
   scheduler``: local SGD, automatic rounds (:mod:`climann.workflow.compute.training`). The
   seed moves either run's test MSE by several percent (one process: 0.59–0.78 K² over seeds
   0–9, standard deviation 8 %), so the quality is judged on the mean over the seeds (ten: the
   mean's own noise is then ≈ 3 %), the speed on the median. Recorded: the test MSE of each, the wall time
   of the training phase (``train.log``'s "training: … s" line), that of its epochs and
   their validation alone (from the line that starts them to the end of the phase), and
   that of the data preparation and training together (both runs read and standardise the
   data while preparing it: one process every split into its memory, the cluster's workers
   the training and validation chunks, with the scaling fitted on them).
2. **Larger than a worker's memory** (``--large-years`` at 1°: the default 45 years is a
   0.56 GB file; ``--memory-limit-gb`` per worker): the same two runs with the same defaults
   but ``--large-epochs`` (default 2: the one-process run holds ≈ 13 GB and takes ≈ 40 s per
   epoch on 2 cores, and minutes to evaluate), the cluster's
   workers limited in memory (``--chunk-mb`` chunks) — the one-process run streams the file when
   it exceeds ``[data] in_memory_limit_gb``. Also recorded for the cluster run: each worker's
   peak resident memory (``VmHWM``, read at the end with ``client.run``; a worker restarted by
   its nanny has a new pid, and is reported), the most data the workers had spilled to disk at
   once (sampled every second).

0. **The cores' ceiling** (``--ceiling-seconds``, default 10; 0 skips it): what 2 workers could
   reach at best on this machine. climann's training steps (the sample's network: hidden 64,
   64, Adam, batches of 256, float32) run in one process alone, then in two processes at
   once, each for the same wall time, three times alternately; the ceiling is the two
   processes' summed rate over one alone's (medians). Two cores that were fully independent
   give 2.0; cores that share a physical core, a memory bus or a host's other guests give
   less, and a 2-worker run cannot be faster than this ratio in its training phase.

Every figure is printed with the machine's load average before and after it (other processes
on the same cores slow a run down; the runs' results do not depend on it).

Targets (issue 15): 2 workers' test MSE within 10 % of one process's, and the training phase
≥ 1.6× faster (both measures of it are printed); every worker under its memory limit in the larger-than-memory run.

Run: ``python benchmarks/bench_scale.py`` (the ceiling ≈ 1.5 min, the sample part ≈ 2.5 min on
2 cores, the large file ≈ 15 min; ``--large-years 0`` skips it, ``--large-epochs 0`` runs its
15 epochs). The files are written to a temporary folder and removed; ``--keep`` keeps them, ``--directory``
reuses them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

MB = 2**20


def ensure_file(path: Path, *, years: int, resolution: float) -> None:
    """Write the sample file when missing."""
    if path.exists():
        return
    from climann.data.sample_data import write_sample_dataset

    started = time.perf_counter()
    write_sample_dataset(path, years=years, resolution=resolution)
    print(f"# wrote {path.name} ({path.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - started:.0f} s",
          flush=True)


def local_cluster(n_workers: int, memory_limit_gb: float = 0.0):
    """The cluster ``climann train --workers N`` starts (:func:`climann.workflow.compute.cluster.local_cluster`)."""
    from climann.workflow.compute.cluster import local_cluster as climann_cluster
    from climann.workflow.config import ComputeConfig

    return climann_cluster(ComputeConfig(workers=n_workers, memory_limit_gb=memory_limit_gb))


def _peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


# --- runs ---------------------------------------------------------------------------------------------------
def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _phase_seconds(lines: list[str], phase: str) -> float:
    """The seconds of a phase from ``train.log`` ("training: 12.3 s", "training (on the cluster): 12.3 s")."""
    for line in lines:
        match = re.search(rf" {phase}(?: \(on the cluster\))?: ([0-9.]+) s$", line)
        if match:
            return float(match.group(1))
    raise RuntimeError(f"no {phase} phase in the log")


def _training_seconds(run_dir: Path) -> tuple[float, float, float]:
    """From the run's ``train.log``: the training phase's wall time; that of its epochs alone,
    from the line that starts them ("15 epochs × …" in one process; "local SGD: …" or "full
    batch: …" on a cluster) to the end of the phase; and the data preparation and the training
    phase together.

    Both runs read, standardise and hold the data in their "preparing data" phase (one process
    reads every split into its memory; a cluster's workers read the training and validation
    chunks and fit the scaling) and train in their "training" phase. (Until 1 Dec 2026 a
    cluster run read its chunks inside its training phase: the two phases were not the same
    work; "data + training" compares them either way.)"""
    lines = (run_dir / "train.log").read_text().splitlines()
    stamp = lambda line: datetime.fromisoformat(line.split(" ", 1)[0]).timestamp()  # noqa: E731
    first_epoch = next((stamp(line) for line in lines
                        if re.search(r" (\d+ epochs × |local SGD: |full batch: )", line)), None)
    training = _phase_seconds(lines, "training")
    for line in lines:
        if re.search(r" training(?: \(on the cluster\))?: ([0-9.]+) s$", line):
            end = stamp(line)
            epochs = round(end - (first_epoch if first_epoch is not None else end), 2)
            return training, epochs, round(training + _phase_seconds(lines, "preparing data"), 2)
    raise RuntimeError(f"no training phase in {run_dir / 'train.log'}")


def timed_run(path: Path, run_dir: Path, *, compute: dict | None = None, epochs: int = 0, seed: int = 0) -> dict:
    """``run_training`` with the default settings (figures off: they do not change training;
    ``epochs``: another number of epochs, 0 for the default; ``seed``: ``[training] seed``)."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    settings: dict = {"data": {"paths": [str(path)]}, "evaluation": {"figures": False}, "training": {"seed": seed}}
    if epochs:
        settings["training"]["epochs"] = epochs
    if compute:
        settings["compute"] = compute
    load_before, started = _load(), time.perf_counter()
    result = run_training(build_config(settings), run_dir=run_dir, overwrite=True)
    training_seconds, epochs_seconds, data_training_seconds = _training_seconds(run_dir)
    return {
        "test_mse": result.metrics["splits"]["test"]["model"]["mse"], "training_seconds": training_seconds,
        "epochs_seconds": epochs_seconds, "data_training_seconds": data_training_seconds,
        "run_seconds": time.perf_counter() - started, "load_before": load_before, "load_after": _load(),
        "epochs": len(result.history.train_loss),
    }


def one_and_two_workers(path: Path, directory: Path, *, memory_limit_gb: float = 0.0, chunk_mb: float | None = None,
                        monitor: bool = False, epochs: int = 0, seeds: int = 1) -> dict:
    """The default run in this process for seeds 0 … ``seeds`` − 1, then on 2 local workers
    for the same seeds (the one-process runs first, before the cluster starts: nothing else runs
    beside them).

    The test MSE of a run depends on its seed (the initial weights and the order of the
    batches) by several percent either way, for one process as for the cluster, so the
    quality is compared as the ratio of the mean test MSEs over the seeds; the speed as the
    ratio of the median training phases."""
    from distributed import Client

    results: dict = {"one_process": [], "two_workers": []}
    for seed in range(seeds):  # first the one-process runs, with nothing else running
        one = timed_run(path, directory / f"one_process_seed{seed}", epochs=epochs, seed=seed)
        print(f"# {path.name}, seed {seed}, one process: {json.dumps(one)}", flush=True)
        results["one_process"].append(one)
    with local_cluster(2, memory_limit_gb) as cluster, Client(cluster, set_as_default=False) as client:
        client.wait_for_workers(2)
        compute = {"scheduler": cluster.scheduler_address, **({"chunk_mb": chunk_mb} if chunk_mb else {})}
        for seed in range(seeds):
            pids = client.run(os.getpid)
            with SpillMonitor(client) if monitor else contextlib.nullcontext() as spill:
                two = timed_run(path, directory / f"two_workers_seed{seed}", compute=compute, epochs=epochs, seed=seed)
            if monitor:
                peaks = client.run(_peak_rss)
                restarted = sorted(set(pids.values()) - set(client.run(os.getpid).values()))
                limit = memory_limit_gb * 2**30
                two.update({
                    "memory_limit_bytes": limit, "peak_rss": sorted(peaks.values()),
                    "peak_spilled_bytes": spill.spilled, "restarted_workers": restarted,
                    "under_limit": all(peak < limit for peak in peaks.values()) and not restarted,
                })
            print(f"# {path.name}, seed {seed}, 2 workers: {json.dumps(two)}", flush=True)
            results["two_workers"].append(two)
    one, two = results["one_process"], results["two_workers"]
    mean = lambda runs, key: statistics.fmean(run[key] for run in runs)  # noqa: E731
    median = lambda runs, key: statistics.median(run[key] for run in runs)  # noqa: E731
    results["mse_ratio"] = mean(two, "test_mse") / mean(one, "test_mse")
    results["speedup"] = median(one, "training_seconds") / median(two, "training_seconds")
    results["epochs_speedup"] = median(one, "epochs_seconds") / median(two, "epochs_seconds")
    results["data_training_speedup"] = median(one, "data_training_seconds") / median(two, "data_training_seconds")
    return results


def print_table(label: str, results: dict) -> None:
    print(f"\n{label}\n")
    print("| run | seed | test MSE (K²) | training phase | its epochs | data + training | whole run "
          "| load average before → after |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, key in (("one process", "one_process"), ("2 workers (local SGD)", "two_workers")):
        for seed, row in enumerate(results[key]):
            print(f"| {name} | {seed} | {row['test_mse']:.3f} | {row['training_seconds']:.1f} s "
                  f"| {row['epochs_seconds']:.1f} s | {row['data_training_seconds']:.1f} s "
                  f"| {row['run_seconds']:.0f} s "
                  f"| {row['load_before']:.2f} → {row['load_after']:.2f} |")
    runs = len(results["one_process"])
    over = f" over {runs} seeds (mean MSE, median times)" if runs > 1 else ""
    print(f"\n# 2 workers / one process{over}: test MSE × {results['mse_ratio']:.3f} (target ≤ 1.10), training "
          f"phase {results['speedup']:.2f}× faster (target ≥ 1.6), its epochs {results['epochs_speedup']:.2f}×, data + "
          f"training {results['data_training_speedup']:.2f}×", flush=True)


# --- 0. the cores' ceiling ---------------------------------------------------------------------------
CEILING_JOB = (50_000, 6)  # samples × features: an epoch of ≈ 200 steps, so a window ends within one


def _steps_for(seconds: float, start_at: float, rates) -> None:
    """In a child process: climann's training, one epoch after another, from ``start_at``
    (``time.time()``) until ``seconds`` later; puts the samples per second on ``rates``."""
    import numpy as np

    from climann.model import Network, train

    n_samples, n_features = CEILING_JOB
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((n_samples, n_features), dtype=np.float32)
    target = (np.sin(inputs[:, :1]) + 0.1 * inputs[:, 1:2]).astype(np.float32)
    network = Network([n_features, 64, 64, 1], dtype="float32", seed=0)
    train(network, inputs[:2560], target[:2560], epochs=1)  # imports and first calls, not timed
    while time.time() < start_at:
        time.sleep(0.001)
    started, trained = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        train(network, inputs, target, epochs=1, seed=trained)
        trained += n_samples
    rates.put(trained / (time.perf_counter() - started))


def _concurrent_rates(n_processes: int, seconds: float) -> list[float]:
    """The samples per second of ``n_processes`` processes training at the same time."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    rates = context.Queue()
    start_at = time.time() + 5.0  # after every child has imported climann and warmed up
    children = [context.Process(target=_steps_for, args=(seconds, start_at, rates)) for _ in range(n_processes)]
    for child in children:
        child.start()
    measured = [rates.get(timeout=seconds + 120) for _ in children]
    for child in children:
        child.join()
    return measured


def cores_ceiling(seconds: float, repeats: int = 3) -> dict:
    """One process alone, then two at once, ``repeats`` times alternately (see the module's
    description, part 0): the medians and the ceiling, two's summed rate over one's."""
    alone, together, loads = [], [], [_load()]
    for _ in range(repeats):
        alone += _concurrent_rates(1, seconds)
        together.append(sum(_concurrent_rates(2, seconds)))
        loads.append(_load())
    one, two = statistics.median(alone), statistics.median(together)
    return {"alone": alone, "together": together, "ceiling": two / one, "loads": loads}


# --- 2. larger than memory ---------------------------------------------------------------------------
class SpillMonitor:
    """The most bytes the workers held spilled to disk at once, and the highest process memory
    the scheduler saw per worker, sampled every ``interval`` seconds."""

    def __init__(self, client, interval: float = 1.0) -> None:
        self.client, self.interval, self.spilled, self.memory = client, interval, 0, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                workers = self.client.scheduler_info()["workers"]
            except Exception:  # noqa: BLE001 — a sample lost while a worker restarts
                workers = {}
            spilled = 0
            for address, info in workers.items():
                metrics = info["metrics"]
                spilled += metrics.get("spilled_bytes", {}).get("disk", 0)
                self.memory[address] = max(self.memory.get(address, 0), metrics["memory"])
            self.spilled = max(self.spilled, spilled)
            time.sleep(self.interval)

    def __enter__(self) -> SpillMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- main ----------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=20, help="years of the sample file (0: skip)")
    parser.add_argument("--seeds", type=int, default=10,
                        help="seeds 0 … N−1 of the sample's runs (the large file: seed 0)")
    parser.add_argument("--resolution", type=float, default=5.0, help="grid of the sample file, degrees")
    parser.add_argument("--large-years", type=int, default=45, help="years of the 1° larger-than-memory file (0: skip)")
    parser.add_argument("--memory-limit-gb", type=float, default=0.5, help="memory limit of each worker, GiB")
    parser.add_argument("--chunk-mb", type=float, default=16.0, help="[compute] chunk_mb of the large run")
    parser.add_argument("--large-epochs", type=int, default=2, help="epochs of the large runs (0: the default, 15)")
    parser.add_argument("--ceiling-seconds", type=float, default=10.0,
                        help="seconds of each window of the cores' ceiling (0: skip it)")
    parser.add_argument("--directory", type=Path, help="where the files go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the files")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    directory = args.directory or Path(tempfile.mkdtemp(prefix="climann-bench-scale-"))
    directory.mkdir(parents=True, exist_ok=True)
    print(f"# {os.cpu_count()} CPUs; load average {_load():.2f} at the start", flush=True)
    try:
        if args.ceiling_seconds:
            ceiling = cores_ceiling(args.ceiling_seconds)
            thousands = lambda rates: ", ".join(f"{rate / 1e3:.0f}" for rate in rates)  # noqa: E731
            loads = " → ".join(f"{load:.2f}" for load in ceiling["loads"])
            print(f"# the cores' ceiling: one process alone {thousands(ceiling['alone'])} k samples/s; two at once "
                  f"{thousands(ceiling['together'])} k samples/s together (load average {loads}): "
                  f"2 workers can train at most {ceiling['ceiling']:.2f}× as fast as one process here", flush=True)
        if args.years:
            sample = directory / f"sample_{args.resolution:g}deg_{args.years}y.nc"
            ensure_file(sample, years=args.years, resolution=args.resolution)
            results = one_and_two_workers(sample, directory / "sample_runs", seeds=args.seeds)
            print_table(f"{sample.name}, default settings", results)
        if args.large_years:
            large = directory / f"sample_1deg_{args.large_years}y.nc"
            ensure_file(large, years=args.large_years, resolution=1.0)
            results = one_and_two_workers(large, directory / "large_runs", memory_limit_gb=args.memory_limit_gb,
                                          chunk_mb=args.chunk_mb, monitor=True, epochs=args.large_epochs)
            settings = f"default settings, {args.large_epochs} epochs" if args.large_epochs else "default settings"
            print_table(f"{large.name} ({large.stat().st_size / 1e9:.2f} GB; workers limited to "
                        f"{args.memory_limit_gb:g} GiB, chunks of {args.chunk_mb:g} MiB), {settings}", results)
            two = results["two_workers"][0]
            print(f"# workers' peak RSS {', '.join(f'{peak / MB:.0f} MiB' for peak in two['peak_rss'])}; most "
                  f"spilled at once {two['peak_spilled_bytes'] / MB:.0f} MiB; restarted {two['restarted_workers']}; "
                  f"under the limit: {'yes' if two['under_limit'] else 'NO'}", flush=True)
    finally:
        if not args.keep and args.directory is None:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
