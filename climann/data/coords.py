"""Find the time, latitude and longitude coordinates of a dataset through CF attributes.

Files call their coordinates ``lat``, ``latitude``, ``nav_lat``, ``y``, … . CF says what
they *are* through ``standard_name``, ``units`` and ``axis``; those attributes are tried
first, the usual names last. The conventions are kept as a data table apart from the logic.
"""

from __future__ import annotations

import xarray as xr

from climann.errors import ClimannError

#: What identifies each coordinate, strongest evidence first.
COORDINATE_CONVENTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "time": {
        "standard_name": ("time",),
        "units_contain": (" since ",),
        "axis": ("T",),
        "names": ("time", "t", "Time", "TIME", "valid_time"),
    },
    "latitude": {
        "standard_name": ("latitude", "grid_latitude"),
        "units_contain": ("degrees_north", "degree_north", "degree_N", "degrees_N", "degreeN"),
        "axis": ("Y",),
        "names": ("lat", "latitude", "nav_lat", "y", "Latitude", "LAT", "LATITUDE"),
    },
    "longitude": {
        "standard_name": ("longitude", "grid_longitude"),
        "units_contain": ("degrees_east", "degree_east", "degree_E", "degrees_E", "degreeE"),
        "axis": ("X",),
        "names": ("lon", "longitude", "nav_lon", "x", "Longitude", "LON", "LONGITUDE"),
    },
}


def _matches(variable: xr.DataArray, convention: dict[str, tuple[str, ...]], test: str) -> bool:
    attrs = variable.attrs
    if test == "standard_name":
        return attrs.get("standard_name") in convention["standard_name"]
    if test == "units":
        units = str(attrs.get("units", variable.encoding.get("units", "")))
        return any(token in units for token in convention["units_contain"])
    if test == "axis":
        return attrs.get("axis") in convention["axis"]
    return variable.name in convention["names"]


def find_coordinate(dataset: xr.Dataset, kind: str) -> str:
    """Name of the 1-D coordinate of ``kind`` (``time``, ``latitude`` or ``longitude``).

    Parameters
    ----------
    dataset : xarray.Dataset
        An opened dataset (times decoded: a time's ``units`` then live in its encoding).
    kind : str
        One of the keys of :data:`COORDINATE_CONVENTIONS`.

    Returns
    -------
    str
        The coordinate's name in ``dataset``.

    Raises
    ------
    ClimannError
        If no coordinate, or several equally good ones, match.
    """
    convention = COORDINATE_CONVENTIONS[kind]
    candidates = [dataset[name] for name in dataset.coords if dataset[name].ndim == 1]
    for test in ("standard_name", "units", "axis", "names"):
        found = [c.name for c in candidates if _matches(c, convention, test)]
        if len(found) == 1:
            return str(found[0])
        if len(found) > 1:
            raise ClimannError(
                f"several coordinates look like {kind} ({', '.join(map(str, found))}); "
                "give the right one a CF standard_name"
            )
    raise ClimannError(
        f"no {kind} coordinate found (looked for standard_name, units, axis and the names "
        f"{', '.join(convention['names'][:4])}); coordinates present: "
        f"{', '.join(map(str, dataset.coords)) or 'none'}"
    )
