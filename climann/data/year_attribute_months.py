"""A time axis of month numbers whose year a global attribute holds (GIMMS NDVI3g v1).

GIMMS NDVI3g v1's files (``ndvi3g_geo_v1_1982_0106.nc4``: half a year of half-months each) hold
``time`` = 1, 1.5, 2, …, 6.5 without units, the month of the year (a half for the month's second
half, from its 16th), and the year in a global attribute ``Year``. CF reads no such axis (CF §4.4:
a unit since a reference date). The advice "CF expects units = 'days since 1970-01-01'" followed
literally dated every file 1970-01-02 … 1970-01-07, and a folder of them was refused as "'ndvi'
is in both … a corrected download?" (break47b A3). Such an axis is recognised here, so that the
refusal says what the values are and gives the Python line that writes the dates (the 1st for a
whole month number, the 16th for a half) as a CF time coordinate into a copy of each file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.shell import copy_path, dated_copies, whole_write, working_path

__all__ = ["YEAR_ATTRIBUTES", "month_numbers_problem", "month_numbers_statements", "year_attribute"]

#: Global attributes that hold the year of a file's month numbers.
YEAR_ATTRIBUTES = ("Year", "year", "YEAR")


def year_attribute(source: str | Path | None) -> tuple[str, int] | None:
    """The global attribute of :data:`YEAR_ATTRIBUTES` of the netCDF file ``source`` and the year it
    holds (a whole number from 1 to 9999, as a number or text), or None (no such attribute, no file,
    or one netCDF4 does not open)."""
    if source is None or not Path(source).is_file():
        return None
    import netCDF4

    try:
        with netCDF4.Dataset(source) as nc:
            found = {key: nc.getncattr(key) for key in YEAR_ATTRIBUTES if key in nc.ncattrs()}
    except OSError:
        return None
    for key, value in found.items():
        try:
            year = float(np.asarray(value).ravel()[0]) if not isinstance(value, str) else float(value.strip())
        except (ValueError, IndexError):
            continue
        if year == int(year) and 1 <= year <= 9999:
            return key, int(year)
    return None


def _month_numbers(time: xr.DataArray) -> bool:
    """Whether ``time`` (without units) holds months of the year: every value in [1, 13), a whole
    number or a half, increasing."""
    if time.ndim != 1 or time.size == 0 or time.dtype.kind not in "iuf" or str(time.attrs.get("units", "")).strip():
        return False
    values = np.asarray(time.values, dtype=np.float64)
    return bool(np.isfinite(values).all() and (values >= 1).all() and (values < 13).all()
                and np.all((2 * values) % 1 == 0) and (np.diff(values) > 0).all())


def month_numbers_statements(name: str, key: str) -> list[str]:
    """The Python statements on a dataset ``d`` (opened with ``decode_times=False``) that make its
    month numbers ``name`` dates of the year its global attribute ``key`` holds: the 1st of a whole
    month number, the 16th of a half (1.5: the second half of January)."""
    return ["import cftime", f"y = int(float(d.attrs[{key!r}]))",
            f"d = d.assign_coords({{{name!r}: [cftime.datetime(y, int(m), 1 if m % 1 == 0 else 16, "
            f"calendar='standard') for m in d[{name!r}].values]}})"]


def month_numbers_problem(time: xr.DataArray, source: str | Path | None,
                          files: Sequence[Path] = ()) -> str | None:
    """Why ``time`` is no dates when it holds month numbers without units and ``source`` a global
    ``Year`` (:func:`year_attribute`), with the line that dates them into a copy of ``source`` (of
    each of ``files``, when several, in one loop: :func:`~climann.data.shell.dated_copies`); None
    for any other axis.

    Parameters
    ----------
    time : xarray.DataArray, shape (n_time,)
        The time coordinate, as opened (not decoded).
    source : str or Path, optional
        The file it was read from.
    files : sequence of Path
        The files of the same kind beside it (their loop); empty: the line for ``source`` alone.
    """
    if not _month_numbers(time):
        return None
    found = year_attribute(source)
    if found is None:
        return None
    key, year = found
    values = np.asarray(time.values, dtype=np.float64)
    shown = ", ".join(f"{value:g}" for value in values[:3]) + (f", …, {values[-1]:g}" if values.size > 3 else "")
    said = (f"it has no units, and its values {shown} are months of the year (a half from the month's 16th) of the "
            f"year its global attribute {key} = {year} holds, not a count since a date (units = 'days since "
            "1970-01-01' would date them 1970-01-02 …); write the dates as a CF time coordinate")
    statements = month_numbers_statements(str(time.name), key)
    if len(files) > 1:
        return f"{said} in a copy of each file: {dated_copies(statements, list(files))}"
    read, written = working_path(source), working_path(copy_path(source))
    code = (f"import sys, xarray as xr; d = xr.open_dataset({read!r}, decode_times=False); {'; '.join(statements)}; "
            + whole_write("d.to_netcdf", repr(written)))
    return f"{said}, e.g. in Python: `{code}`"
