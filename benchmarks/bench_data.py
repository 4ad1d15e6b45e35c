"""Throughput and memory of the streaming data path: NetCDF file → standardised float32 batches.

For each size (``--years``): generate the synthetic sample file if it is missing
(``write_sample_dataset``, as ``climann sample-data --resolution R --years N``), then in two
fresh processes, so that each one's peak memory is its own:

- **raw**: netCDF4 reads ``tas``, ``rsdt``, ``clt`` block by block (``orog``, ``sftlf`` once),
  without masking or scaling: the fastest plain read of the same variables;
- **pipeline**: ``open_dataset`` → ``PointwiseSource`` (target tas; predictors rsdt, orog,
  sftlf, clt; features lat, season) → a ``BatchStream`` of batch size 256, area weighted,
  iterated for one epoch over every block, each batch consumed (``X.sum()``). The scalers are
  fit beforehand by a streaming fit over the first ``--fit-blocks`` blocks (timed apart).

A third process times the stages (``measure_stages``): the dask/xarray read alone, and the
read plus the feature table; the remainder of the pipeline's time is standardising,
shuffling and batching.

Both read the same bytes, so the ratio of MB/s is the ratio of times. Peak memory is the
resident set of the pipeline process (``ru_maxrss``, and ``VmRSS`` sampled while streaming).
The file is read from the page cache in both (it has just been written or read): this measures
the data path, not the disk.

Targets (issue): pipeline ≥ 70 % of the raw read; peak RSS < 2 GB while streaming a file
larger than 8 GB (``--years 700`` at 1°: 8.7 GB).

Run: ``python benchmarks/bench_data.py --years 80`` (≈ 1 GB, 1°), or ``--years 80 700``.

Many small files (``--daily-files N``): N one-day files of 20 × 30 cells (``t2m`` and ``tisr``,
as ERA5 daily statistics or IMERG daily downloads), opened as a run opens them: twice by
``open_dataset`` (to choose the inputs, to read them), in a fresh process. Reports the seconds
and how many times each file was opened (``open_input``): three (its variables' header, its grid
undecoded, its data decoded once for the run); six before issue 15 (the grid undecoded and the
data decoded in both calls). ``bench_many_files.py`` times ``climann info`` and ``train`` on such
files against one file (docs/benchmarks.md, "Many small files").
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TARGET, PREDICTORS, FEATURES = "tas", ("rsdt", "orog", "sftlf", "clt"), ("lat", "season")
TIME_VARYING, STATIC = ("tas", "rsdt", "clt"), ("orog", "sftlf")
MB = 1e6


def steps_per_block(path: Path, block_mb: float) -> int:
    """Time steps per block of the pipeline, also used by the raw read."""
    from climann.data.open import open_dataset
    from climann.data.pointwise import PointwiseSource

    source = PointwiseSource(open_dataset([path]), target=TARGET, predictors=PREDICTORS, features=FEATURES)
    start, stop = source.time_blocks(max_bytes=int(block_mb * 2**20))[0]
    return stop - start


# --- the two measurements (each run in its own process) -------------------------------------------
def measure_raw(path: Path, steps: int) -> dict:
    import netCDF4

    started, n_bytes = time.perf_counter(), 0
    with netCDF4.Dataset(path) as dataset:
        dataset.set_auto_maskandscale(False)
        n_time = dataset.dimensions["time"].size
        for name in STATIC:
            n_bytes += dataset[name][:].nbytes
        for start in range(0, n_time, steps):
            for name in TIME_VARYING:
                n_bytes += dataset[name][start : start + steps].nbytes
        n_cells = dataset.dimensions["lat"].size * dataset.dimensions["lon"].size
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": n_bytes, "samples": n_time * n_cells}


def measure_stages(path: Path, block_mb: float) -> dict:
    """Where the pipeline's time goes, block by block without the background thread:
    the dask/xarray read of the variables alone, then ``PointwiseSource.read`` (the read plus
    the feature table and the missing-value mask). The rest of the pipeline's time is
    standardising, shuffling and batching."""
    import numpy as np
    import xarray as xr

    from climann.data.open import open_dataset
    from climann.data.pointwise import PointwiseSource

    dataset = open_dataset([path])
    source = PointwiseSource(dataset, target=TARGET, predictors=PREDICTORS, features=FEATURES)
    blocks = source.time_blocks(max_bytes=int(block_mb * 2**20))
    started = time.perf_counter()
    for start, stop in blocks:
        block = xr.Dataset({name: dataset[name] for name in TIME_VARYING}).isel(time=slice(start, stop))
        block.astype(np.float32).load()
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for start, stop in blocks:
        source.read(start, stop)
    return {"dask_read_seconds": read_seconds, "samples_seconds": time.perf_counter() - started}


class PeakRss:
    """Highest VmRSS of this process, sampled every ``interval`` seconds in a thread."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def current() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.current())
            time.sleep(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.current())


def measure_pipeline(path: Path, *, block_mb: float, batch_size: int, buffer_blocks: int, fit_blocks: int) -> dict:
    from climann.data.batches import BatchStream, fit_standardizers
    from climann.data.open import open_dataset
    from climann.data.pointwise import PointwiseSource

    rss_before = PeakRss.current()
    started = time.perf_counter()
    source = PointwiseSource(open_dataset([path]), target=TARGET, predictors=PREDICTORS, features=FEATURES)
    blocks = source.time_blocks(max_bytes=int(block_mb * 2**20))
    input_scaler, target_scaler = fit_standardizers(source, blocks[:fit_blocks])
    fit_seconds = time.perf_counter() - started
    with PeakRss() as rss:
        started = time.perf_counter()
        source = PointwiseSource(open_dataset([path]), target=TARGET, predictors=PREDICTORS, features=FEATURES)
        stream = BatchStream(source, blocks, input_scaler=input_scaler, target_scaler=target_scaler,
                             batch_size=batch_size, rng=0, buffer_blocks=buffer_blocks, area_weighted=True)
        n_samples, n_batches, total = 0, 0, 0.0
        for inputs, target, weight in stream:
            total += float(inputs.sum())
            n_samples += inputs.shape[0]
            n_batches += 1
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds, "samples": n_samples, "batches": n_batches, "fit_seconds": fit_seconds,
        "blocks": len(blocks), "steps_per_block": blocks[0][1] - blocks[0][0],
        "rss_before": rss_before, "rss_peak_streaming": rss.peak,
        "ru_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "checksum": total,
    }


def in_child(phase: str, path: Path, args: argparse.Namespace) -> dict:
    """Run one measurement in a fresh Python process; return what it printed (JSON)."""
    command = [sys.executable, __file__, "--phase", phase, "--path", str(path), "--block-mb", str(args.block_mb),
               "--batch-size", str(args.batch_size), "--buffer-blocks", str(args.buffer_blocks),
               "--fit-blocks", str(args.fit_blocks)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- one size, the table ---------------------------------------------------------------------------
def ensure_file(path: Path, *, years: int, resolution: float) -> bool:
    """Write the sample file when missing; True if this run wrote it."""
    if path.exists():
        return False
    from climann.data.sample_data import write_sample_dataset

    started = time.perf_counter()
    write_sample_dataset(path, years=years, resolution=resolution)
    print(f"# wrote {path} ({path.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - started:.0f} s",
          flush=True)
    return True


def measure_size(path: Path, args: argparse.Namespace) -> dict:
    steps = steps_per_block(path, args.block_mb)
    raw, pipeline = in_child("raw", path, args), in_child("pipeline", path, args)
    stages = in_child("stages", path, args)
    return {"file_bytes": path.stat().st_size, "steps": steps, "raw": raw, "pipeline": pipeline, "stages": stages}


HEADER = (f"{'file GB':>8} {'block steps':>11} {'raw MB/s':>9} {'pipe MB/s':>9} {'pipe samples/s':>14} "
          f"{'ratio':>6} {'epoch s':>8} {'fit s':>6} {'peak RSS MB':>11} {'ru_maxrss MB':>12} "
          f"{'raw s':>6} {'dask read s':>11} {'samples s':>9}")


def row(result: dict) -> str:
    raw, pipeline = result["raw"], result["pipeline"]
    raw_rate = raw["bytes"] / raw["seconds"] / MB
    pipe_rate = raw["bytes"] / pipeline["seconds"] / MB  # the same bytes of the file
    return (f"{result['file_bytes'] / 1e9:8.2f} {pipeline['steps_per_block']:11d} {raw_rate:9.0f} {pipe_rate:9.1f} "
            f"{pipeline['samples'] / pipeline['seconds']:14.3g} {pipe_rate / raw_rate:6.1%} "
            f"{pipeline['seconds']:8.1f} {pipeline['fit_seconds']:6.1f} {pipeline['rss_peak_streaming'] / MB:11.0f} "
            f"{pipeline['ru_maxrss'] / MB:12.0f} {raw['seconds']:6.2f} {result['stages']['dask_read_seconds']:11.2f} "
            f"{result['stages']['samples_seconds']:9.2f}")


# --- many small files ------------------------------------------------------------------------------
def write_daily_files(directory: Path, count: int) -> list[Path]:
    """``count`` one-day files of 20 × 30 cells, ``hours since 1900-01-01`` as int32, ``t2m`` (K)
    and ``tisr`` (W m-2): one ERA5 daily-statistics download per day."""
    import cftime
    import netCDF4
    import numpy as np

    lat, lon = np.linspace(-85.5, 85.5, 20), np.arange(30) * 12.0 + 6.0
    rng = np.random.default_rng(13)
    paths = []
    for day in range(count):
        path = directory / f"era5_daily_{day:05d}.nc"
        with netCDF4.Dataset(path, "w") as dataset:
            for name, size in (("time", None), ("lat", 20), ("lon", 30)):
                dataset.createDimension(name, size)
            time = dataset.createVariable("time", "i4", ("time",))
            time.units, time.calendar, time.standard_name = "hours since 1900-01-01 00:00:00.0", "gregorian", "time"
            time[:] = [cftime.date2num(cftime.DatetimeGregorian(2000, 1, 1), time.units, time.calendar) + 24 * day]
            for name, values, units in (("lat", lat, "degrees_north"), ("lon", lon, "degrees_east")):
                axis = dataset.createVariable(name, "f8", (name,))
                axis.units, axis[:] = units, values
            rsdt = 300 * np.cos(np.deg2rad(lat))[:, None] + 10 * rng.standard_normal((20, 30))
            for name, values, units in (("t2m", 250 + 0.12 * rsdt, "K"), ("tisr", rsdt, "W m**-2")):
                variable = dataset.createVariable(name, "f4", ("time", "lat", "lon"))
                variable.units, variable[:] = units, values[None]
        paths.append(path)
    return paths


def measure_daily_files(directory: Path) -> dict:
    """Open the files as a run does (twice), counting each file's openings."""
    import climann.data.open as opening

    files = sorted(directory.glob("*.nc"))
    openings = []
    real = opening.open_input

    def counted(path, **options):
        openings.append(path)
        return real(path, **options)

    opening.open_input = counted
    started = time.perf_counter()
    opening.open_dataset(files, grid_of="t2m")
    opened = opening.open_dataset(files, grid_of="t2m", variables=["t2m", "tisr"])
    seconds = time.perf_counter() - started
    return {"files": len(files), "seconds": seconds, "openings": len(openings),
            "checksum": float(opened["t2m"].sum())}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=float, default=1.0, help="grid spacing in degrees")
    parser.add_argument("--years", type=int, nargs="+", default=[80],
                        help="years of monthly data, one file per value (80 at 1° ≈ 1 GB, 700 ≈ 8.7 GB)")
    parser.add_argument("--path", type=Path, help="sample file to use (written if missing); one --years only")
    parser.add_argument("--keep", action="store_true", help="keep the files this run wrote")
    parser.add_argument("--block-mb", type=float, default=64.0,
                        help="PointwiseSource.time_blocks(max_bytes=…) in MiB")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--buffer-blocks", type=int, default=4)
    parser.add_argument("--fit-blocks", type=int, default=2, help="blocks the streaming scaler fit reads")
    parser.add_argument("--daily-files", type=int, metavar="N",
                        help="instead: open N one-day files of 20 x 30 cells as a run does")
    parser.add_argument("--phase", choices=("raw", "pipeline", "stages", "daily"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.path is not None and len(args.years) > 1:
        parser.error("--path takes one --years value")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.phase == "raw":
        print(json.dumps(measure_raw(args.path, steps_per_block(args.path, args.block_mb))))
        return
    if args.phase == "stages":
        print(json.dumps(measure_stages(args.path, args.block_mb)))
        return
    if args.phase == "daily":
        print(json.dumps(measure_daily_files(args.path)))
        return
    if args.daily_files:
        with tempfile.TemporaryDirectory(prefix="climann-bench-daily-") as directory:
            write_daily_files(Path(directory), args.daily_files)
            result = in_child("daily", Path(directory), args)
        print(f"{result['files']} one-day files: {result['seconds']:.1f} s, {result['openings']} openings "
              f"({result['openings'] / result['files']:.1f} a file)")
        return
    if args.phase == "pipeline":
        print(json.dumps(measure_pipeline(args.path, block_mb=args.block_mb, batch_size=args.batch_size,
                                          buffer_blocks=args.buffer_blocks, fit_blocks=args.fit_blocks)))
        return
    directory = Path(tempfile.mkdtemp(prefix="climann-bench-")) if args.path is None else args.path.parent
    print(f"# {os.cpu_count()} CPUs; batch size {args.batch_size}, buffer {args.buffer_blocks} blocks of "
          f"≤ {args.block_mb:g} MiB; resolution {args.resolution:g}°", flush=True)
    results = []
    for years in args.years:
        path = args.path or directory / f"sample_{args.resolution:g}deg_{years}y.nc"
        wrote = ensure_file(path, years=years, resolution=args.resolution)
        try:
            results.append(measure_size(path, args))
            print(f"# {years} years: {json.dumps(results[-1])}", flush=True)
        finally:
            if wrote and not args.keep:
                path.unlink()
    if args.path is None and not args.keep:
        directory.rmdir()
    print(HEADER)
    for result in results:
        print(row(result))


if __name__ == "__main__":
    main()
