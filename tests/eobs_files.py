"""Tiny E-OBS-like daily files (v29.0e names: ``rr``/``tg``, ensemble mean and spread), for tests.

As the E-OBS files are distributed: ``days since 1950-01-01 00:00``, stamped at 00:00 of each day,
no time bounds, ``latitude``/``longitude`` at 0.25°.
"""

from __future__ import annotations

from pathlib import Path

import netCDF4
import numpy as np

LAT = np.arange(44.125, 45.0, 0.25)
LON = np.arange(-1.875, -0.8, 0.25)


def write_eobs(folder: Path, days: int, seed: int) -> dict[tuple[str, str], np.ndarray]:
    """Write ``rr`` and ``tg``, mean and spread, from 2001-01-01 for ``days`` days into ``folder`` (made here).

    Returns the values written, shape (days, 4, 5), by (name, kind).
    """
    folder.mkdir()
    rng = np.random.default_rng(seed)
    written = {}
    for name in ("rr", "tg"):
        for kind in ("mean", "spread"):
            values = rng.normal(10 if kind == "mean" else 0.5, 1, (days, LAT.size, LON.size)).astype("f4")
            with netCDF4.Dataset(folder / f"{name}_ens_{kind}_0.25deg_reg_v29.0e.nc", "w") as nc:
                for dim, size in (("time", None), ("latitude", LAT.size), ("longitude", LON.size)):
                    nc.createDimension(dim, size)
                time = nc.createVariable("time", "f8", ("time",))
                time.units, time.calendar = "days since 1950-01-01 00:00", "standard"
                time[:] = 18628 + np.arange(days)  # from 2001-01-01
                for axis, axis_values, unit in (("latitude", LAT, "degrees_north"),
                                                ("longitude", LON, "degrees_east")):
                    nc.createVariable(axis, "f8", (axis,))[:] = axis_values
                    nc[axis].units = unit
                variable = nc.createVariable(name, "f4", ("time", "latitude", "longitude"))
                variable.units = "Celsius" if name == "tg" else "mm"
                variable[:] = values
            written[(name, kind)] = values
    return written
