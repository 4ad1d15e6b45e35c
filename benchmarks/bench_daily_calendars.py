"""``climann info`` and ``climann train --epochs 1`` on daily series of 3 and 30 years, in the
standard, noleap and 360_day calendars: opening must grow linearly with the time steps.

climann decodes time to ``cftime`` objects in every calendar. Matching each file's steps to the
combined series (the fill-value checks of :mod:`climann.data.fill_like`,
:func:`climann.data.sources.dates_in`) compared them pair by pair with ``numpy.isin`` until 4
December 2026 (break28a A2), once per fill-like value: ten years of daily data on a 6 × 8 grid
took ``info`` 3 min 55 s and ``train`` 466 s before training began, quadratic in the steps.
Writes ``--years`` (default 3 and 30) of daily ``tas`` and ``pr`` on a 6 × 8 grid with CF time
bounds, as CMIP6 ``day`` files (stamps at 12:00), per calendar, and times each command in a
fresh process (:func:`bench_many_files.timed`: wall and user seconds, peak memory, the load
before and after).

Target: 10× the steps cost at most 10× the user seconds (quadratic growth would cost 100×; the
process's start-up, about 3 s, makes the ratio far smaller when linear).

Run: ``python benchmarks/bench_daily_calendars.py`` (a few minutes idle).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_many_files import timed  # noqa: E402

CALENDARS = ("standard", "noleap", "360_day")


def write_file(folder: Path, calendar: str, years: int) -> Path:
    """``years`` of daily tas (K) and pr (kg m-2 s-1) on 6 × 8 cells in ``calendar``, with bounds."""
    import numpy as np
    import xarray as xr

    days_per_year = {"standard": 365.25, "noleap": 365, "360_day": 360}[calendar]
    n_days = int(round(years * days_per_year))
    rng = np.random.default_rng(0)
    lat, lon = np.linspace(-62.5, 62.5, 6), np.arange(22.5, 360, 45.0)
    days = np.arange(n_days, dtype="f8")
    season = np.sin(2 * np.pi * days / days_per_year)[:, None, None]
    tas = 280 + 10 * np.cos(np.deg2rad(lat))[None, :, None] + 8 * season + rng.normal(size=(n_days, 6, 8))
    pr = np.abs(3e-5 * (1 + season) + 1e-5 * rng.normal(size=tas.shape))
    time_attrs = {"units": "days since 2000-01-01", "calendar": calendar, "bounds": "time_bnds",
                  "standard_name": "time", "axis": "T"}
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas.astype("f4"), {"units": "K", "standard_name": "air_temperature",
                                                            "cell_methods": "time: mean"}),
         "pr": (("time", "lat", "lon"), pr.astype("f4"), {"units": "kg m-2 s-1", "standard_name": "precipitation_flux",
                                                          "cell_methods": "time: mean"}),
         "time_bnds": (("time", "bnds"), np.stack([days, days + 1], axis=1))},
        coords={"time": ("time", days + 0.5, time_attrs), "lat": ("lat", lat, {"units": "degrees_north"}),
                "lon": ("lon", lon, {"units": "degrees_east"})})
    path = folder / calendar / f"day_{calendar}.nc"
    path.parent.mkdir(parents=True, exist_ok=True)
    dataset.to_netcdf(path, encoding={"tas": {"_FillValue": 1e20}, "pr": {"_FillValue": 1e20}})
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, nargs=2, default=(3, 30), help="the short and the long series (3 30)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_daily_calendars_"))
    short, long = arguments.years
    try:
        runs = {}
        for calendar in CALENDARS:
            for years in (short, long):
                path = write_file(folder / str(years), calendar, years)
                out = folder / f"run_{calendar}_{years}"
                runs[calendar, years] = {"info": timed(["info", str(path)], folder),
                                         "train": timed(["train", "--data", str(path), "--target", "tas", "--epochs",
                                                         "1", "--out", str(out)], folder)}
        print(f"daily tas and pr, 6 x 8 cells, with time bounds: {short} and {long} years")
        worst = 0.0
        for command in ("info", "train"):
            for calendar in CALENDARS:
                for years in (short, long):
                    run = runs[calendar, years][command]
                    print(f"{command:5} {calendar:8} {years:3} years: {run['wall']:6.1f} s wall, "
                          f"{run['user']:6.1f} s user, {run['rss_mb']:5.0f} MB peak, "
                          f"load {run['load'][0]:.1f} -> {run['load'][1]:.1f}")
                ratio = runs[calendar, long][command]["user"] / runs[calendar, short][command]["user"]
                worst = max(worst, ratio)
                print(f"{command:5} {calendar:8} {long} / {short} years: {ratio:.2f}x user")
        steps = long / short
        print(f"target: {steps:g}x the steps at most {steps:g}x the user seconds: "
              f"{'met' if worst <= steps else 'MISSED'} (at most {worst:.2f}x)")
    finally:
        if not arguments.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
