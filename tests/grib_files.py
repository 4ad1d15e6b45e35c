"""Tiny GRIB2 files written with ecCodes (the library cfgrib reads them with), for tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest


def write_grib(path: Path, short_name: str, values: np.ndarray, *, latitudes: np.ndarray,
               longitudes: np.ndarray, start_year: int = 1990) -> Path:
    """One monthly field per message from January of ``start_year``, on a regular
    latitude-longitude grid (``latitudes`` north to south, evenly spaced like ``longitudes``).

    ``values`` : (n_months, n_latitudes, n_longitudes). Skips the test without eccodes.
    """
    return write_grib_forecasts(path, short_name, np.asarray(values)[:, None], latitudes=latitudes,
                                longitudes=longitudes, start_year=start_year, steps_hours=(0,))


def write_grib_forecasts(path: Path, short_name: str, values: np.ndarray, *, latitudes: np.ndarray,
                         longitudes: np.ndarray, steps_hours: Sequence[int], start_year: int = 1990) -> Path:
    """Forecasts started on the first of each month from January of ``start_year``, at the
    lead times ``steps_hours`` (GRIB's ``step``), one field per message, on a regular
    latitude-longitude grid (``latitudes`` north to south, evenly spaced like ``longitudes``).

    ``values`` : (n_months, n_steps, n_latitudes, n_longitudes). Skips the test without eccodes.
    """
    messages = [({"shortName": short_name, "dataTime": 0, "step": int(step),
                  "dataDate": (start_year + month // 12) * 10000 + (month % 12 + 1) * 100 + 1}, field)
                for month, fields in enumerate(values) for step, field in zip(steps_hours, fields)]
    return write_grib_messages(path, messages, latitudes=latitudes, longitudes=longitudes)


def write_grib_messages(path: Path, messages: Sequence[tuple[dict, np.ndarray]], *, latitudes: np.ndarray,
                        longitudes: np.ndarray, sample: str = "regular_ll_sfc_grib2") -> Path:
    """One message per ``(keys, field)`` of ``messages``, in order, from ecCodes' ``sample``
    (``regular_ll_sfc_grib1`` for GRIB1): its ecCodes ``keys`` set in the order given (a
    parameter's codes, ``dataDate``, ``step`` …), on a regular latitude-longitude grid
    (``latitudes`` north to south, evenly spaced like ``longitudes``).

    ``field`` : (n_latitudes, n_longitudes). Skips the test without eccodes.
    """
    eccodes = pytest.importorskip("eccodes")
    grid = {
        "Ni": len(longitudes), "Nj": len(latitudes),
        "latitudeOfFirstGridPointInDegrees": float(latitudes[0]),
        "latitudeOfLastGridPointInDegrees": float(latitudes[-1]),
        "longitudeOfFirstGridPointInDegrees": float(longitudes[0]),
        "longitudeOfLastGridPointInDegrees": float(longitudes[-1]),
        "iDirectionIncrementInDegrees": float(longitudes[1] - longitudes[0]),
        "jDirectionIncrementInDegrees": float(latitudes[0] - latitudes[1]),
    }
    with open(path, "wb") as file:
        for keys, field in messages:
            message = eccodes.codes_grib_new_from_samples(sample)
            for key, value in {**grid, **keys}.items():
                eccodes.codes_set(message, key, value)
            eccodes.codes_set_values(message, np.asarray(field, np.float64).ravel())
            eccodes.codes_write(message, file)
            eccodes.codes_release(message)
    return path


def eccodes_tool(name: str) -> str:
    """An ecCodes command (``grib_ls``, ``grib_copy``) from the eccodeslib wheel cfgrib installs, or
    on PATH; skips the test without."""
    import shutil

    eccodeslib = pytest.importorskip("eccodeslib")
    beside = Path(eccodeslib.__file__).parent / "bin" / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found
