"""The smoothed daily climatology (:func:`climann.evaluation.baselines.climatology_from_sums`)
on a 366 × 90 × 180 daily grid (2° cells, 30 training years), this code against an earlier one.

Since fix35b each cell has its own window reach r[d, c]: days of full reach were summed by one
matrix product, the narrowed (day, cell) pairs gathered offset by offset, so that a run of June
to August (every cell narrowed) took 5 times the full year's time. The cells are now grouped by
their reach pattern, each pattern summed by one matrix product (rare patterns offset by offset,
``PATTERN_CELLS``). Cases, with the 61-day window:

* **full year**: every day of the year held at every cell (one pattern);
* **JJA**: a months selection, June–August held (one pattern, every cell narrowed);
* **sea ice, by latitude**: the 45 poleward rows lack a winter growing with latitude (45 patterns);
* **sea ice, each cell**: half the cells lack a winter of their own length and middle (thousands
  of patterns, the worst case of the grouping: most cells summed offset by offset).

The earlier code is ``--before`` (a git revision, default 1b09fb9: main with fix35b merged),
its ``climann/evaluation/baselines.py`` imported from a temporary copy; both run interleaved, best
of ``--repeats`` each, and their climatologies must agree to rtol 1e-12. The load average is
printed before and after each case (the machine is shared: compare the two columns, not runs).

``--threshold`` times one pattern's own matrix product against the rare patterns' way (fix35b's
gathered pairs) for a few cell counts and windows, the measurement behind ``PATTERN_CELLS``.

Run: ``python benchmarks/bench_climatology.py`` (about 2 minutes under load).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numpy as np

from climann.evaluation import baselines
from climann.evaluation.baselines import ClimatologyKeys

KEYS = ClimatologyKeys(per="day of year", count=366)
SHAPE = (366, 90, 180)


def before_module(revision: str) -> ModuleType:
    """``climann/evaluation/baselines.py`` at ``revision``, imported from a temporary copy."""
    root = Path(__file__).resolve().parent.parent
    text = subprocess.run(["git", "show", f"{revision}:climann/evaluation/baselines.py"], cwd=root,
                          check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp(prefix="bench_climatology_")) / "baselines_before.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("baselines_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["baselines_before"] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def case_counts(case: str, rng: np.random.Generator) -> np.ndarray:
    """The training values of each day of the year at each cell, shape ``SHAPE``: 30 years of
    daily data, 7 of them leap (day 366), minus the days the case leaves out."""
    counts = np.full(SHAPE, 30.0)
    counts[365] = 7.0
    day = np.arange(366)[:, None]
    if case == "JJA":
        counts[(day[:, 0] < 151) | (day[:, 0] > 242)] = 0.0
    elif case == "sea ice, by latitude":  # rows 0-44: a winter of 40-128 days centred on 15 January
        winter = np.abs((day - 14 + 183) % 366 - 183) < 20 + np.arange(45)
        counts[:, :45] *= ~winter[:, :, None]
    elif case == "sea ice, each cell":  # half the cells: a winter of 30-150 days of their own, centred on their own day
        lengths, centres = rng.integers(30, 151, size=(45, 180)), rng.integers(-30, 31, size=(45, 180))
        winter = np.abs((day[:, :, None] - 14 - centres + 183) % 366 - 183) < lengths / 2
        counts[:, :45] *= ~winter
    return counts


def timed(module: ModuleType, sums: np.ndarray, counts: np.ndarray, window_days: int) -> tuple[float, np.ndarray]:
    """The seconds one ``climatology_from_sums`` call took, and its climatology."""
    start = time.perf_counter()
    climatology = module.climatology_from_sums(sums, counts, KEYS, calendar="standard", window_days=window_days)
    return time.perf_counter() - start, climatology


def compare(before: ModuleType, cases: list[str], repeats: int, window_days: int) -> None:
    """Each case by both codes interleaved, best of ``repeats``; their climatologies compared."""
    rng = np.random.default_rng(0)
    print(f"climatology_from_sums, {SHAPE[0]} x {SHAPE[1]} x {SHAPE[2]} daily, {window_days}-day window, "
          f"best of {repeats}, interleaved")
    for case in cases:
        counts = case_counts(case, rng)
        sums = counts * (280.0 + 10.0 * rng.standard_normal(SHAPE))
        load = os.getloadavg()[0]
        best = {"before": np.inf, "after": np.inf}
        for _ in range(repeats):
            seconds, old = timed(before, sums, counts, window_days)
            best["before"] = min(best["before"], seconds)
            seconds, new = timed(baselines, sums, counts, window_days)
            best["after"] = min(best["after"], seconds)
        np.testing.assert_array_equal(np.isnan(new), np.isnan(old))
        np.testing.assert_allclose(new, old, rtol=1e-12)
        patterns = len(np.unique(counts.reshape(366, -1) > 0, axis=1).T)
        print(f"{case:22}: before {best['before']:6.2f} s, after {best['after']:6.2f} s "
              f"({best['before'] / best['after']:4.1f}x; {patterns} patterns of held days), "
              f"load {load:.1f} -> {os.getloadavg()[0]:.1f}", flush=True)


def threshold(repeats: int) -> None:
    """One reach pattern's own matrix product against the rare patterns' way (one product with the
    whole window, the narrowed pairs gathered: ``_gathered_sums``), per cell count of a pattern
    lacking a 60-day winter, with one BLAS thread (the count ``_window_sums`` gives them)."""
    from climann.model.threads import one_blas_thread

    rng = np.random.default_rng(0)
    held = np.ones((366, 1), bool)
    held[:60] = False
    for window_days in (5, 61, 181):
        half = (window_days - 1) // 2
        pattern = baselines._window_reach(window_days, held)[:, 0]
        for n_cells in (1, 4, 16, 64, 256):
            values, reach = rng.uniform(size=(366, 1, n_cells)), np.repeat(pattern[:, None], n_cells, axis=1)
            best = {"matrix": np.inf, "gathered": np.inf}
            with one_blas_thread():
                for _ in range(repeats):
                    start = time.perf_counter()
                    np.tensordot(baselines._window_matrix(pattern, half, triangular=True), values, axes=1)
                    best["matrix"] = min(best["matrix"], time.perf_counter() - start)
                    start = time.perf_counter()
                    baselines._gathered_sums(values, reach, half, triangular=True)
                    best["gathered"] = min(best["gathered"], time.perf_counter() - start)
            print(f"window {window_days:3d}, {n_cells:3d} cells (x h = {n_cells * half:5d}): matrix "
                  f"{best['matrix'] * 1e3:6.2f} ms, gathered {best['gathered'] * 1e3:6.2f} ms, "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default="1b09fb9", help="the git revision compared against (1b09fb9)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each code per case (3)")
    parser.add_argument("--window-days", type=int, default=61, help="the window (61)")
    parser.add_argument("--cases", nargs="+", default=["full year", "JJA", "sea ice, by latitude",
                                                        "sea ice, each cell"])
    parser.add_argument("--threshold", action="store_true", help="time a pattern's matrix instead")
    arguments = parser.parse_args()
    if arguments.threshold:
        threshold(arguments.repeats)
    else:
        compare(before_module(arguments.before), arguments.cases, arguments.repeats, arguments.window_days)


if __name__ == "__main__":
    main()
