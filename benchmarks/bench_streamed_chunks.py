"""A streamed run over several chunks against the same run in memory: test MSE over seeds.

A streamed run (data beyond ``[data] in_memory_limit_gb``) trains one replica of local SGD
chunk after chunk (:mod:`climann.workflow.compute.executor`): each mini-batch comes from one
chunk. With chunks of consecutive years, the last ≈ 27 steps of every epoch see the years of
one chunk only, and the model's bias followed the chunk trained last (break36b B4). Since
5 December 2026 each chunk is made of blocks from every part of the training period
(:data:`~climann.workflow.compute.executor.STREAMED_BLOCKS_PER_CHUNK`).

The file: a CORDEX-like rotated-pole monthly file (30 years 1971–2000, 16 × 20 cells, tas
from insolation and precipitation plus a trend of 0.02 K a year and noise of 0.7 K), as
break36b's. The runs: ``--seasons JJA,DJF``, lag 12 of tas, 10 epochs, default settings
otherwise, seeds 0 … ``--seeds`` − 1, (1) in memory, (2) streamed with
``in_memory_limit_gb = 0.0003`` and ``[compute] chunk_mb = 0.3`` (6 training chunks).
A run's test MSE moves with its seed by 10–25 % (the last iterate of Adam at a constant
rate), so the comparison is over many seeds: mean ± standard deviation, median, and the
paired differences (same seed: same initial weights) with a Wilcoxon signed-rank test.

Run: ``python benchmarks/bench_streamed_chunks.py`` (≈ 10 s a run on 2 shared cores; 32 seeds
by default: ≈ 10 min). ``--directory`` keeps the file and the runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
from pathlib import Path

import numpy as np

VARIANTS = {
    "in memory": {},
    "streamed, 6 chunks": {"data": {"in_memory_limit_gb": 0.0003}, "compute": {"chunk_mb": 0.3}},
}


def write_rotated_pole_file(path: Path, *, seed: int = 42) -> None:
    """The CORDEX-like file (break36b's gen.py, part 2): rotated pole (39.25 N, 162 W),
    curvilinear lat/lon, monthly 1971–2000, tas, rsds and pr."""
    import pandas as pd
    import xarray as xr

    rng = np.random.default_rng(seed)
    rlat, rlon = np.linspace(-8, 8, 16), np.linspace(-10, 10, 20)
    rotated_lon, rotated_lat = np.deg2rad(np.meshgrid(rlon, rlat))
    x, y, z = (np.cos(rotated_lon) * np.cos(rotated_lat), np.sin(rotated_lon) * np.cos(rotated_lat),
               np.sin(rotated_lat))
    tilt = -(np.pi / 2 - np.deg2rad(39.25))
    lat = np.rad2deg(np.arcsin(-np.sin(tilt) * x + np.cos(tilt) * z))
    lon = (np.rad2deg(np.arctan2(y, np.cos(tilt) * x + np.sin(tilt) * z)) - 162.0 + 180 + 180) % 360 - 180
    starts = pd.date_range("1971-01-01", periods=361, freq="MS")
    middles = starts[:-1] + pd.Timedelta(days=14)
    months, years = middles.month.values[:, None], middles.year.values[:, None]
    shape = (360, lat.size)
    latitude = np.deg2rad(lat.ravel())[None, :]
    season = np.cos(2 * np.pi * (months - 7) / 12) * np.sign(np.rad2deg(latitude) + 1e-9)
    rsds = 200 + 150 * np.cos(latitude) + 100 * season * np.abs(np.sin(latitude)) + 10 * rng.standard_normal(shape)
    pr = np.exp(rng.standard_normal(shape)) * 3e-5
    tas = (250 + 0.15 * rsds + 5 * np.tanh((rsds - 250) / 60) - 2e4 * pr + 0.02 * (years - 1980)
           + 0.7 * rng.standard_normal(shape))
    grid = ("time", "rlat", "rlon")
    common = {"grid_mapping": "rotated_pole", "coordinates": "lat lon", "cell_methods": "time: mean"}
    dataset = xr.Dataset(
        {"tas": (grid, tas.reshape(360, 16, 20).astype("f4"),
                 {"standard_name": "air_temperature", "units": "K", **common}),
         "rsds": (grid, rsds.reshape(360, 16, 20).astype("f4"),
                  {"standard_name": "surface_downwelling_shortwave_flux_in_air", "units": "W m-2", **common}),
         "pr": (grid, pr.reshape(360, 16, 20).astype("f4"),
                {"standard_name": "precipitation_flux", "units": "kg m-2 s-1", **common}),
         "rotated_pole": ((), np.int32(0), {"grid_mapping_name": "rotated_latitude_longitude",
                                            "grid_north_pole_latitude": 39.25, "grid_north_pole_longitude": -162.0}),
         "time_bnds": (("time", "bnds"), np.stack([starts.values[:-1], starts.values[1:]], 1))},
        coords={"time": ("time", middles.values, {"standard_name": "time", "bounds": "time_bnds", "axis": "T"}),
                "rlat": ("rlat", rlat, {"standard_name": "grid_latitude", "units": "degrees", "axis": "Y"}),
                "rlon": ("rlon", rlon, {"standard_name": "grid_longitude", "units": "degrees", "axis": "X"}),
                "lat": (("rlat", "rlon"), lat, {"standard_name": "latitude", "units": "degrees_north"}),
                "lon": (("rlat", "rlon"), lon, {"standard_name": "longitude", "units": "degrees_east"})},
        attrs={"Conventions": "CF-1.6", "project_id": "CORDEX", "frequency": "mon"})
    time_units = {"units": "days since 1949-12-01", "calendar": "standard"}
    dataset.to_netcdf(path, encoding={"time": time_units, "time_bnds": time_units})


def run(path: Path, run_dir: Path, variant: dict, *, seed: int, epochs: int) -> dict:
    """One run of ``variant``; its test MSE and bias (K², K) and its training chunks' log line."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    settings = {"data": {"paths": [str(path)], "target": "tas", "seasons": ["JJA", "DJF"], "lags": {"tas": [12]},
                         **variant.get("data", {})},
                "training": {"seed": seed, "epochs": epochs}, "evaluation": {"figures": False},
                **({"compute": variant["compute"]} if "compute" in variant else {})}
    result = run_training(build_config(settings), run_dir=run_dir, overwrite=True)
    scores = result.metrics["splits"]["test"]["model"]
    return {"test_mse": scores["mse"], "test_bias": scores["bias"]}


def summary(results: dict) -> None:
    """Mean ± sd, median, and the paired comparison with the in-memory runs."""
    from scipy.stats import wilcoxon

    print("\n| run | seeds | test MSE mean ± sd (K²) | median | test bias sd (K) |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in results.items():
        mse = [r["test_mse"] for r in runs]
        print(f"| {name} | {len(mse)} | {statistics.fmean(mse):.3f} ± {statistics.stdev(mse):.3f} | "
              f"{statistics.median(mse):.3f} | {statistics.stdev(r['test_bias'] for r in runs):.3f} |")
    memory = [r["test_mse"] for r in results["in memory"]]
    for name, runs in results.items():
        if name == "in memory":
            continue
        other = [r["test_mse"] for r in runs]
        differences = [b - a for a, b in zip(memory, other, strict=True)]
        print(f"# {name} − in memory, paired by seed: median difference {statistics.median(differences):+.3f} K², "
              f"{sum(d > 0 for d in differences)}/{len(differences)} worse, Wilcoxon p = "
              f"{wilcoxon(other, memory).pvalue:.3g}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=32, help="seeds 0 … N−1")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--directory", type=Path, help="where the file and runs go (kept; default: a temporary folder)")
    args = parser.parse_args(argv)
    directory = args.directory or Path(tempfile.mkdtemp(prefix="climann-bench-streamed-"))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        path = directory / "tas_EUR-44_like_mon_197101-200012.nc"
        if not path.exists():
            write_rotated_pole_file(path)
        results: dict = {name: [] for name in VARIANTS}
        for seed in range(args.seeds):
            for name, variant in VARIANTS.items():
                outcome = run(path, directory / f"{name.replace(' ', '_').replace(',', '')}_{seed}", variant,
                              seed=seed, epochs=args.epochs)
                print(json.dumps({"run": name, "seed": seed, **outcome}), flush=True)
                results[name].append(outcome)
        summary(results)
    finally:
        if args.directory is None:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
