"""Data-parallel training on a local dask cluster: throughput with 1 and 2 workers, and a file
larger than the workers' memory.

1. **Throughput** (``--resolution 2 --years 20``: 3.9 M samples, 2.7 M for training): the
   training block is read and persisted by the workers of a ``LocalCluster`` of 1, then 2,
   worker processes (one thread each; dask limits each to one BLAS thread). Then full-batch
   gradient steps (:func:`climann.workflow.compute.training.distributed_sums` over every chunk: the
   weights to the workers, per-chunk loss and gradient sums, the ordered reduction, back to
   the client) of the default network (hidden 64, 64; ReLU; float32) are timed: a warm-up
   step, then the median of ``--steps``. References: the same full-batch gradient in this
   process, without dask and with NumPy's default BLAS threads: ``Network.loss_and_gradients``
   on all training samples at once, and ``chunk_sums`` (the workers' kernel) over them.
2. **Larger than memory** (``--large-years 90`` at 1°: a 1.1 GB file, ``--memory-limit-gb
   0.5`` per worker): a whole run (``run_training`` through ``[compute] scheduler``: scaling,
   persisted chunks, 2 epochs of full-batch gradient descent, baselines, scores,
   ``predictions.nc`` written chunk by chunk, figures) on 2 workers. Recorded: each worker's
   peak resident memory (``VmHWM`` of its process, read at the end with ``client.run``; a
   worker restarted by its nanny would have a new pid, and is reported), the most data the
   workers had spilled to disk at once (sampled every second), and the time of each phase.

Targets (issue): 2 workers ≥ 1.6 × 1 worker; every worker under its memory limit in the
larger-than-memory run.

Run: ``python benchmarks/bench_scale.py`` (≈ 3 min on 2 cores; the files are written to a
temporary folder and removed, ``--keep`` keeps them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
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


# --- 1. throughput -------------------------------------------------------------------------------
def training_data(path: Path):
    from climann.workflow.config import build_config
    from climann.workflow.preparation import open_selected, pointwise_source, prepare_data, resolve_inputs

    config = resolve_inputs(build_config({"data": {"paths": [str(path)]}}))
    source = pointwise_source(config, open_selected(config))
    return config, source, prepare_data(config, source)


def time_steps(client, config, source, data, *, steps: int) -> dict:
    from climann.workflow.compute.chunks import chunk_blocks, persist_samples
    from climann.workflow.compute.cluster import shared_value
    from climann.workflow.compute.training import distributed_sums
    from climann.data.batches import blocks_in_split
    from climann.model import Network

    blocks = blocks_in_split(chunk_blocks(source, chunk_mb=config.compute.chunk_mb), data.split.time_masks["train"])
    started = time.perf_counter()
    persisted = persist_samples(client, source, blocks, input_scaler=data.input_scaler,
                                target_scaler=data.target_scaler)
    persist_seconds = time.perf_counter() - started
    holders = [sorted(workers)[0] for workers in client.who_has(persisted.futures).values()]
    per_worker = sorted(holders.count(worker) for worker in set(holders))
    network = Network([len(source.feature_names), *config.model.hidden, 1], seed=0)
    architecture = shared_value(client, network)
    chunks = range(len(persisted.rows))
    times = []
    for _ in range(steps + 1):
        started = time.perf_counter()
        sums = distributed_sums(client, architecture, network.parameter_vector, persisted, chunks)
        times.append(time.perf_counter() - started)
    persisted.release()
    step = statistics.median(times[1:])
    return {"samples": persisted.n_samples, "chunks": len(blocks), "chunks_per_worker": per_worker,
            "persist_seconds": persist_seconds,
            "step_seconds": step, "samples_per_second": persisted.n_samples / step, "loss": sums.mean_loss()}


def time_in_process(config, data, *, steps: int, by_chunk_sums: bool) -> dict:
    """The full-batch gradient in this process: ``Network.loss_and_gradients`` on all samples at
    once, or :func:`chunk_sums` (the workers' kernel, 8192-row passes) over them."""
    from climann.model import Network
    from climann.model.sums import chunk_sums

    train = data.sample_masks["train"]
    X, y = data.scaled_inputs[train], data.scaled_target[train]
    network = Network([X.shape[1], *config.model.hidden, 1], seed=0)
    times = []
    for _ in range(steps + 1):
        started = time.perf_counter()
        if by_chunk_sums:
            loss = chunk_sums(network, network.parameter_vector, X, y).mean_loss()
        else:
            loss, _ = network.loss_and_gradients(X, y)
        times.append(time.perf_counter() - started)
    step = statistics.median(times[1:])
    return {"samples": len(X), "step_seconds": step, "samples_per_second": len(X) / step, "loss": loss}


def throughput(path: Path, *, steps: int) -> dict:
    from distributed import Client

    config, source, data = training_data(path)
    results = {"in_process": time_in_process(config, data, steps=steps, by_chunk_sums=False),
               "in_process_sums": time_in_process(config, data, steps=steps, by_chunk_sums=True)}
    for n_workers in (1, 2):
        with local_cluster(n_workers) as cluster, Client(cluster, set_as_default=False) as client:
            client.wait_for_workers(n_workers)
            results[f"workers_{n_workers}"] = time_steps(client, config, source, data, steps=steps)
        print(f"# {n_workers} worker(s): {json.dumps(results[f'workers_{n_workers}'])}", flush=True)
    results["speedup"] = results["workers_2"]["samples_per_second"] / results["workers_1"]["samples_per_second"]
    return results


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


def larger_than_memory(path: Path, run_dir: Path, *, memory_limit_gb: float, chunk_mb: float) -> dict:
    from distributed import Client

    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    settings = {
        "data": {"paths": [str(path)], "in_memory_limit_gb": 0.25},
        "model": {"hidden": [16]},
        "training": {"epochs": 2, "batch_size": 2**40, "optimizer": "sgd", "learning_rate": 0.1},
    }
    with local_cluster(2, memory_limit_gb) as cluster, Client(cluster, set_as_default=False) as client:
        client.wait_for_workers(2)
        pids = client.run(os.getpid)
        settings["compute"] = {"scheduler": cluster.scheduler_address, "chunk_mb": chunk_mb}
        epochs: list[float] = []
        started = time.perf_counter()
        with SpillMonitor(client) as monitor:
            result = run_training(build_config(settings), run_dir=run_dir, overwrite=True,
                                  on_epoch=lambda epoch, history: epochs.append(time.perf_counter() - started))
        seconds = time.perf_counter() - started
        peaks = client.run(_peak_rss)
        restarted = sorted(set(pids.values()) - set(client.run(os.getpid).values()))
    limit = memory_limit_gb * 2**30
    return {
        "file_bytes": path.stat().st_size, "memory_limit_bytes": limit, "seconds": seconds,
        "epoch_seconds": epochs, "peak_rss": sorted(peaks.values()),
        "scheduler_peak_memory": sorted(monitor.memory.values()),
        "peak_spilled_bytes": monitor.spilled, "restarted_workers": restarted,
        "n_samples": result.metrics["n_samples"], "test_mse": result.metrics["splits"]["test"]["model"]["mse"],
        "predictions_bytes": (run_dir / "predictions.nc").stat().st_size,
        "under_limit": all(peak < limit for peak in peaks.values()) and not restarted,
    }


# --- main ----------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=float, default=2.0, help="grid of the throughput file, degrees")
    parser.add_argument("--years", type=int, default=20, help="years of the throughput file")
    parser.add_argument("--steps", type=int, default=5, help="timed full-batch steps (after one warm-up step)")
    parser.add_argument("--large-years", type=int, default=90, help="years of the 1° larger-than-memory file (0: skip)")
    parser.add_argument("--memory-limit-gb", type=float, default=0.5, help="memory limit of each worker, GiB")
    parser.add_argument("--chunk-mb", type=float, default=16.0, help="[compute] chunk_mb of the large run")
    parser.add_argument("--directory", type=Path, help="where the files go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the files")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    directory = args.directory or Path(tempfile.mkdtemp(prefix="climann-bench-scale-"))
    directory.mkdir(parents=True, exist_ok=True)
    print(f"# {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at the start", flush=True)
    try:
        small = directory / f"sample_{args.resolution:g}deg_{args.years}y.nc"
        ensure_file(small, years=args.years, resolution=args.resolution)
        speed = throughput(small, steps=args.steps)
        print("| run | samples | step (s) | samples/s | vs 1 worker |")
        print("|---|---:|---:|---:|---:|")
        base = speed["workers_1"]["samples_per_second"]
        for label, key in (("in process: loss_and_gradients on all samples", "in_process"),
                           ("in process: chunk_sums, 8192-row passes", "in_process_sums"),
                           ("1 worker", "workers_1"), ("2 workers", "workers_2")):
            row = speed[key]
            print(f"| {label} | {row['samples']:,} | {row['step_seconds']:.3f} | {row['samples_per_second']:,.0f} "
                  f"| {row['samples_per_second'] / base:.2f} |")
        print(f"# speed-up 2 workers / 1 worker: {speed['speedup']:.2f} (target ≥ 1.6)", flush=True)
        if args.large_years:
            large = directory / f"sample_1deg_{args.large_years}y.nc"
            ensure_file(large, years=args.large_years, resolution=1.0)
            result = larger_than_memory(large, directory / "large_run", memory_limit_gb=args.memory_limit_gb,
                                        chunk_mb=args.chunk_mb)
            print(f"# larger than memory: {json.dumps(result)}")
            print("| file | per-worker limit | file / limit | run | peak RSS per worker | most spilled at once "
                  "| under limit |")
            print("|---:|---:|---:|---:|---|---:|---|")
            print(f"| {result['file_bytes'] / 1e9:.2f} GB | {args.memory_limit_gb:g} GiB "
                  f"| {result['file_bytes'] / result['memory_limit_bytes']:.1f} | {result['seconds']:.0f} s "
                  f"| {', '.join(f'{peak / MB:.0f} MiB' for peak in result['peak_rss'])} "
                  f"| {result['peak_spilled_bytes'] / MB:.0f} MiB | {'yes' if result['under_limit'] else 'NO'} |")
    finally:
        if not args.keep and args.directory is None:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
