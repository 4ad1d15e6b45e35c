"""``climann info`` of a GRIB file against cfgrib alone reading the same file (break33b B7).

Writes, with ecCodes, a GRIB2 ensemble forecast like break33b's ``mk_grib.py``: precipitation
amounts over 0-6 h and 6-12 h (``stepRange``, product template 11), 3 members, daily 00 UTC runs
from 2015-01-01, on an 8 × 10 box of 0.25°: ``--days`` × 6 messages (default 250: 1 500). Then,
each in a fresh process: ``climann info`` of it, and ``xarray.open_dataset(engine="cfgrib")``
with its values loaded (cfgrib's floor: what any reader of the file pays). Printed for each:
wall and user seconds (the child's own, ``os.wait4``) and the load average before and after (the
cores may be shared: compare runs made back to back).

Target (B7): ``climann info`` within a small factor of cfgrib alone. climann opens a file several
times per command (the data, its times undecoded for diagnosis, the check that its config
trains); cfgrib's index and the header scans are read once per command (:mod:`climann.data.grib`).

Run: ``python benchmarks/bench_grib.py`` (≈ 1 min under load); ``--days 1096`` is break33b's
6 576-message file. Skipped, with a line, without eccodes and cfgrib (the ``grib`` extra).
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Grid of the file: 8 latitudes from 51.75 to 50 °N, 10 longitudes from 5 to 7.25 °E.
N_LATITUDES, N_LONGITUDES, SPACING = 8, 10, 0.25
LATITUDE_0, LONGITUDE_0 = 50.0, 5.0

CFGRIB_ALONE = (
    "import sys, xarray as xr\n"
    "dataset = xr.open_dataset(sys.argv[1], engine='cfgrib', backend_kwargs={'indexpath': ''})\n"
    "[variable.values for variable in dataset.data_vars.values()]\n"
)


def write_grib(path: Path, n_days: int) -> int:
    """The ensemble forecast of the module docstring, in ``path``; its number of messages."""
    import eccodes
    import numpy as np

    rng = np.random.default_rng(6)
    n_messages = 0
    with open(path, "wb") as out:
        for day in range(n_days):
            date = datetime.date(2015, 1, 1) + datetime.timedelta(days=day)
            for member in range(3):
                for start, end in ((0, 6), (6, 12)):
                    rate = np.maximum(0, 1.0 + rng.normal(0, 0.6, (N_LATITUDES, N_LONGITUDES)))  # mm/h
                    _write_message(eccodes, out, date, member, (start, end), rate * (end - start))
                    n_messages += 1
    return n_messages


def _write_message(eccodes, out, date: datetime.date, member: int, step: tuple[int, int], amount) -> None:
    """One message: ``amount`` (kg m-2) accumulated over ``step`` hours of member ``member``'s run."""
    message = eccodes.codes_grib_new_from_samples("GRIB2")
    keys = {
        "centre": 98, "gridType": "regular_ll", "Ni": N_LONGITUDES, "Nj": N_LATITUDES,
        "latitudeOfFirstGridPointInDegrees": LATITUDE_0 + SPACING * (N_LATITUDES - 1),
        "longitudeOfFirstGridPointInDegrees": LONGITUDE_0,
        "latitudeOfLastGridPointInDegrees": LATITUDE_0,
        "longitudeOfLastGridPointInDegrees": LONGITUDE_0 + SPACING * (N_LONGITUDES - 1),
        "iDirectionIncrementInDegrees": SPACING, "jDirectionIncrementInDegrees": SPACING,
        "dataDate": int(date.strftime("%Y%m%d")), "dataTime": 0, "typeOfGeneratingProcess": 4,
        "productDefinitionTemplateNumber": 11, "typeOfFirstFixedSurface": 1,
        "discipline": 0, "parameterCategory": 1, "parameterNumber": 8, "typeOfStatisticalProcessing": 1,
        "stepUnits": 1, "stepRange": f"{step[0]}-{step[1]}", "perturbationNumber": member,
        "numberOfForecastsInEnsemble": 3, "typeOfEnsembleForecast": 3 if member else 1,
    }
    for key, value in keys.items():
        eccodes.codes_set(message, key, value)
    eccodes.codes_set_values(message, amount.ravel())
    eccodes.codes_write(message, out)
    eccodes.codes_release(message)


def timed(arguments: list[str], cwd: Path) -> dict:
    """Run ``python`` with ``arguments`` in a fresh process: its wall and user seconds (the
    child's own: ``os.wait4``) and the load average before and after."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([sys.executable, *arguments], cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        said = err.read().decode()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(arguments)} failed:\n{said[-2000:]}")
    return {"wall": wall, "user": usage.ru_utime, "load": (load, os.getloadavg()[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=250, help="daily runs, 6 messages each (default 250)")
    arguments = parser.parse_args()
    try:
        import cfgrib  # noqa: F401
        import eccodes  # noqa: F401
    except ImportError:
        print("bench_grib: skipped, needs the grib extra (cfgrib, eccodes)")
        return
    folder = Path(tempfile.mkdtemp(prefix="bench_grib_"))
    try:
        path = folder / "ens_tp.grib2"
        n_messages = write_grib(path, arguments.days)
        print(f"{n_messages} GRIB2 messages ({path.stat().st_size / 1024:.0f} KiB) in {folder}")
        runs = {"climann info": timed(["-m", "climann", "info", path.name], folder),
                "cfgrib alone": timed(["-c", CFGRIB_ALONE, path.name], folder)}
        for name, run in runs.items():
            print(f"{name:12}: {run['wall']:7.1f} s wall, {run['user']:7.1f} s user, "
                  f"load {run['load'][0]:.1f} -> {run['load'][1]:.1f}")
        climann, alone = runs["climann info"], runs["cfgrib alone"]
        print(f"climann info / cfgrib alone: {climann['wall'] / alone['wall']:.1f}x wall, "
              f"{climann['user'] / alone['user']:.1f}x user")
        print("nothing written beside the file" if sorted(p.name for p in folder.iterdir()) == [path.name] else
              f"FILES WRITTEN BESIDE IT: {sorted(p.name for p in folder.iterdir())}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
