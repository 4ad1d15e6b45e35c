"""CPU of :func:`climann.data.open.open_dataset` on tiny files, warm, as the test suite opens them.

The test suite opens thousands of tiny files (a 3-year monthly 4 × 6 grid); session 72's
profile found climann's own opening (the checks it runs on each file) about a third of the
suite's CPU, and most of that in xarray lookups each check repeated (a DataArray built to read
one attribute, the coordinates' metadata key of :mod:`climann.data.coords` asked a hundred times).
This measures that cost alone: imports and xarray's first decodings are done once before (warm),
and each opening starts a new run (:func:`climann.data.notes.forget_notes`: nothing kept from the
last), as each test does.

Four cases: one file (``tas``, ``pred``, ``static``), the same with descending latitude in
``360_day``, three one-year files of one series, two files of different variables on one grid.
Printed: CPU milliseconds per opening (the median of ``--rounds``, each ``--repeats`` openings of
every case), the xarray lookups of one opening of each case (``Dataset[name]`` and
``Dataset.variables``), and the load average (the cores may be shared: compare runs made back to
back).

Run: ``python benchmarks/bench_open.py`` (≈ 20 s).
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import tempfile
import time
from pathlib import Path

import cftime
import numpy as np
import xarray as xr

from climann.data.notes import forget_notes
from climann.data.open import open_dataset


def tiny_grid(*, years: tuple[int, ...] = (2000, 2001, 2002), calendar: str = "noleap",
              descending: bool = False, seed: int = 0) -> xr.Dataset:
    """Monthly ``tas`` (K), ``pred`` and a static field on a 4 × 6 grid, as tests/conftest.py's ``grid_dataset``."""
    rng = np.random.default_rng(seed)
    times = [cftime.datetime(year, month, 15, calendar=calendar) for year in years for month in range(1, 13)]
    lat = np.linspace(-67.5, 67.5, 4)[::-1 if descending else 1]
    lon = (np.arange(6) + 0.5) * 60.0
    pred = rng.uniform(0, 1, (len(times), 4, 6)).astype(np.float32)
    dims = ("time", "lat", "lon")
    dataset = xr.Dataset(
        {"tas": (dims, (250 + 10 * pred + 0.5 * lat[None, :, None]).astype(np.float32),
                 {"units": "K", "standard_name": "air_temperature"}),
         "pred": (dims, pred, {"units": "1", "long_name": "a predictor"}),
         "static": (dims[1:], rng.uniform(0, 100, (4, 6)).astype(np.float32), {"units": "m"})},
        coords={"time": ("time", times, {"standard_name": "time", "axis": "T"}),
                "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north", "axis": "Y"}),
                "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east", "axis": "X"})},
        attrs={"Conventions": "CF-1.8"})
    dataset["time"].encoding.update({"units": "days since 2000-01-01", "calendar": calendar})
    return dataset


def write_cases(folder: Path) -> dict[str, tuple[list[Path], dict]]:
    """The four cases' files, written in ``folder``, and the options each is opened with."""
    tiny_grid().to_netcdf(folder / "one.nc")
    tiny_grid(descending=True, calendar="360_day").to_netcdf(folder / "descending.nc")
    years = [folder / f"year{year}.nc" for year in (2000, 2001, 2002)]
    for year, path in zip((2000, 2001, 2002), years):
        tiny_grid(years=(year,)).to_netcdf(path)  # one static field in every file
    whole = tiny_grid()
    whole[["tas"]].to_netcdf(folder / "tas.nc")
    whole[["pred", "static"]].to_netcdf(folder / "pred.nc")
    used = {"grid_of": "tas", "variables": ["tas", "pred"]}
    return {
        "one file": ([folder / "one.nc"], used),
        "descending, 360_day": ([folder / "descending.nc"], {"grid_of": "tas"}),
        "three years": (years, used),
        "two variables' files": ([folder / "tas.nc", folder / "pred.nc"],
                                 {"grid_of": "tas", "variables": ["tas", "pred", "static"]}),
    }


def open_each(cases: dict[str, tuple[list[Path], dict]]) -> None:
    """Each case opened once, as a new run, its coordinates and values read."""
    for files, options in cases.values():
        forget_notes()
        open_dataset(files, **options).load()


def lookups(cases: dict[str, tuple[list[Path], dict]]) -> dict[str, collections.Counter]:
    """The xarray lookups of one opening of each case: ``Dataset[name]`` and ``Dataset.variables``."""
    counts: collections.Counter = collections.Counter()
    getitem, variables = xr.Dataset.__getitem__, xr.Dataset.variables

    def counted_getitem(self, key):
        counts["Dataset[name]"] += 1
        return getitem(self, key)

    def counted_variables(self):
        counts["Dataset.variables"] += 1
        return variables.fget(self)

    found = {}
    xr.Dataset.__getitem__, xr.Dataset.variables = counted_getitem, property(counted_variables)
    try:
        for name, (files, options) in cases.items():
            counts.clear()
            forget_notes()
            open_dataset(files, **options).load()
            found[name] = collections.Counter(counts)
    finally:
        xr.Dataset.__getitem__, xr.Dataset.variables = getitem, variables
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="openings of every case in one round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is printed")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench_open_") as folder:
        cases = write_cases(Path(folder))
        open_each(cases)  # warm: imports, xarray's and cftime's first decodings
        per_opening = []
        for _ in range(args.rounds):
            start = time.process_time()
            for _ in range(args.repeats):
                open_each(cases)
            per_opening.append(1000 * (time.process_time() - start) / (args.repeats * len(cases)))
        counted = lookups(cases)
    print(f"open_dataset, warm: {statistics.median(per_opening):.1f} ms CPU per opening "
          f"(median of {args.rounds} rounds of {args.repeats} × {len(cases)} openings: "
          f"{', '.join(f'{value:.1f}' for value in per_opening)})")
    for name, counts in counted.items():
        print(f"  {name}: {counts['Dataset[name]']} Dataset[name], {counts['Dataset.variables']} Dataset.variables")
    print(f"load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
