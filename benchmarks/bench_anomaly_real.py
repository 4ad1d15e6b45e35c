"""Learning the anomaly on real monthly data: OSTIA sea-surface temperature, plain target against
``[data] target_anomaly``, against the climatology and persistence on the test block.

The file is ``ostia_monthly.nc`` of the ``iris-sample-data`` package (the ``bench`` extra; the
benchmark prints a note and exits 0 when the package is not installed): OSTIA analysed SST
(variable ``surface_temperature``, K), monthly means April 2006 – September 2010 (54 months),
5° S – 5° N at 0.56° × 0.83°, land missing. With the default split by whole years the blocks
are train 2006–2008, val 2009, test 2010 (January–September).

Each setting is trained with the default model and training (hidden 64, 64; Adam 1e-3;
batches of 256; 15 epochs) and the default features of ``climann info`` for a monthly file
(``lat``, ``season``), once per seed (``--seeds``):

* ``plain``: the network learns y;
* ``plain + lag 1``: y from its own value one month earlier too (``lags = {sst = [1]}``);
* ``anomaly``: ``target_anomaly = true``, the network learns y − c (c: the training years'
  mean per calendar month and cell, added back to every prediction);
* ``anomaly + lag 1``: both. climann has no feature "the anomaly one month earlier"
  (``anomalies`` of the target is refused: at the same step it would be the answer), so the
  lag is the raw value;
* with ``--lon``, each of those with ``lon`` as a feature too (the network then knows where
  a cell is along the equator, as the climatology does).

Printed: a markdown table of the test-block MSE (area-weighted, K²; mean ± standard deviation
over the seeds, and their range), its square root (K: the RMSE column of ``climann train``'s
table, for a single seed), the MSE skill score 1 − MSE/MSE_clim, and the climatology's and
persistence's MSE on the same test values (a lag drops the values whose previous month is
missing, so those runs are scored on fewer), then the date and load average (other processes
on the same cores slow the runs down, not their results).

Run: ``python benchmarks/bench_anomaly_real.py`` (≈ 15 s per run on 2 cores; ``--seeds 0 1 2``
by default; ``--keep DIR`` keeps the run directories, and reuses those already there).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

TARGET = "surface_temperature"
#: setting → the ``[data]`` keys it adds to the defaults.
SETTINGS = {
    "plain": {},
    "plain + lag 1": {"lags": {TARGET: [1]}},
    "anomaly": {"target_anomaly": True},
    "anomaly + lag 1": {"target_anomaly": True, "lags": {TARGET: [1]}},
}


def ostia_path() -> Path | None:
    """``ostia_monthly.nc`` of the installed ``iris-sample-data``, or None when it is not installed."""
    try:
        import iris_sample_data
    except ImportError:
        return None
    return Path(iris_sample_data.path) / "ostia_monthly.nc"


def load() -> str:
    """The 1-minute load average and the core count, as ``uptime`` shows them."""
    return f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def test_scores(path: Path, run_dir: Path, data: dict, *, seed: int) -> dict:
    """Train one run (or read it, when ``run_dir`` holds a finished one) and return its
    ``metrics.json`` test split (model and baselines)."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    if not (run_dir / "metrics.json").exists():
        config = build_config({
            "data": {"paths": [str(path)], "target": TARGET, "predictors": [], **data},
            "training": {"seed": seed}, "evaluation": {"figures": False},
        })
        run_training(config, run_dir=run_dir)
    return json.loads((run_dir / "metrics.json").read_text())["splits"]["test"]


def row(name: str, runs: list[dict]) -> str:
    """One table row from the runs' test scores: the MSE's mean ± std (range) over the seeds,
    the square root of that mean (the CLI's table shows RMSE), the mean skill 1 − MSE/MSE_clim
    (each run's against the climatology on its own samples), and the climatology's and
    persistence's MSE on those samples with their number."""
    values = [run["model"]["mse"] for run in runs]
    mean = statistics.fmean(values)
    spread = f" ± {statistics.pstdev(values):.3f} ({min(values):.3f}–{max(values):.3f})" if len(values) > 1 else ""
    skill = statistics.fmean(run["model"]["skill_vs_climatology"] for run in runs)
    first = runs[0]
    return (f"| {name} | {mean:.3f}{spread} | {mean ** 0.5:.3f} | {skill:+.2f} | {first['climatology']['mse']:.3f} | "
            f"{first['persistence']['mse']:.3f} | {first['model']['n_samples']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--lon", action="store_true", help="also each setting with lon as a feature")
    parser.add_argument("--keep", type=Path, help="keep the run directories in this folder (and reuse them)")
    args = parser.parse_args()
    path = ostia_path()
    if path is None:
        print("# iris-sample-data is not installed (pip install iris-sample-data, or the [bench] extra): skipped")
        return
    settings = {name: {"features": ["lat", "season"], **keys} for name, keys in SETTINGS.items()}
    if args.lon:
        settings.update({f"{name}, lon": {**keys, "features": ["lat", "lon", "season"]}
                         for name, keys in list(settings.items())})
    with tempfile.TemporaryDirectory(prefix="bench-anomaly-") as temporary:
        compare_settings(path, settings, args.seeds, args.keep or Path(temporary))


def compare_settings(path: Path, settings: dict[str, dict], seeds: list[int], folder: Path) -> None:
    """Train every setting once per seed into ``folder`` and print the table."""
    started = datetime.now(timezone.utc)
    print(f"# {path} — {started:%d %b %Y %H:%M} UTC, {load()}", flush=True)
    results: dict[str, list[dict]] = {}
    for name, data in settings.items():
        for seed in seeds:
            clock = time.perf_counter()
            slug = name.replace(" + ", "-").replace(", ", "-").replace(" ", "")
            scores = test_scores(path, folder / f"{slug}-seed{seed}", data, seed=seed)
            results.setdefault(name, []).append(scores)
            print(f"# {name}, seed {seed}: test MSE {scores['model']['mse']:.4f} K² "
                  f"({time.perf_counter() - clock:.0f} s, {load()})", flush=True)
    print()
    print(f"| setting (test 2010, {len(seeds)} seed{'s' * (len(seeds) > 1)}) | test MSE (K²) | √MSE (K) | "
          "skill vs climatology | climatology MSE | persistence MSE | test values |")
    print("|---|---|---|---|---|---|---|")
    for name, runs in results.items():
        print(row(name, runs))
    print(f"\n# {datetime.now(timezone.utc):%d %b %Y %H:%M} UTC, {load()}")


if __name__ == "__main__":
    main()
