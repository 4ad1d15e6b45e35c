"""The way from profiles on levels of their own to a series at one fixed level.

Soundings and casts (IGRA radiosondes, CF ``profile`` and ``timeSeriesProfile`` features,
CF 1.8 §9 and appendix H.3, H.5) give each profile the levels it reached: a contiguous ragged
array of their values on a sample dimension (``obs``), each profile's number of them in a count
variable (``row_size``, ``sample_dimension = "obs"``, CF §9.3.3), its pressure or depth beside
them (``pres(obs)``). No two profiles share a level, so no level is a series; one is made by
interpolating each profile to one fixed pressure or depth (linearly, with ``numpy.interp``,
between the two values of the profile around it; missing where the profile does not reach it).
:func:`ragged_profiles_command` writes the one Python command that does so for a file, with its
own names, to a file climann reads as one place's series (the level a CF scalar coordinate,
§5.7).
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from cf_xarray.criteria import coordinate_criteria

from climann.data.shell import copy_path, python_command, shown_path, whole_write
from climann.errors import ClimannError

__all__ = ["example_level", "ragged_profiles_command", "vertical_on"]


def vertical_on(dataset: xr.Dataset, dim: str) -> list[str]:
    """The variables on ``dim`` alone that are a vertical coordinate (CF §4.3): an attribute in
    cf_xarray's ``vertical`` or ``Z`` criteria (``standard_name = "air_pressure"``, ``positive``,
    ``axis = "Z"``), or units of pressure (pint, :mod:`climann.data.units`); as
    :func:`climann.data.levels.is_level` finds them, without its lead times."""
    from climann.data.units import parse_units

    found = []
    for name, variable in dataset.variables.items():
        if variable.dims != (dim,):
            continue
        marked = any(str(variable.attrs.get(key, "")) in values
                     for kind in ("vertical", "Z") for key, values in coordinate_criteria[kind].items())
        try:
            pressure = bool(parse_units(str(variable.attrs.get("units", "")), variable=str(name)).check("[pressure]"))
        except (ClimannError, AttributeError):
            pressure = False
        if marked or (pressure and str(variable.attrs.get("units", "")).strip()):
            found.append(str(name))
    return found


def example_level(values: np.ndarray) -> float:
    """The level most profiles hold (the most frequent finite value of ``values``: a mandatory
    pressure level of radiosondes, 850 or 500 hPa), to give in a command as an example."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return float("nan")
    levels, counts = np.unique(finite, return_counts=True)
    return float(levels[np.argmax(counts)])


def ragged_profiles_command(dataset: xr.Dataset, *, count: str, vertical: str, names: list[str], time: str,
                            positions: tuple[str, str], path: str, level: float,
                            station: tuple[str, int] | None = None) -> str:
    """The ``python -c SCRIPT IN OUT`` command that writes, beside ``path`` (a new name), each of
    ``names`` at ``level`` of ``vertical`` as one series of the profiles' times (of the profiles of one station).

    Parameters
    ----------
    dataset : xarray.Dataset
        The file as opened (only attributes are read).
    count : str
        The count variable of the contiguous ragged array (CF §9.3.3), shape (n_profiles,).
    vertical : str
        The profiles' pressure or depth on the sample dimension, shape (n_obs,).
    names : list of str
        The data variables on the sample dimension, shape (n_obs,) each.
    time : str
        The profiles' time, shape (n_profiles,).
    positions : tuple of str
        The latitude and longitude (on the profiles' or the stations' dimension).
    path : str
        The file.
    level : float
        The fixed level, in the units of ``vertical``.
    station : tuple of (str, int), optional
        The station index variable of a timeSeriesProfile, shape (n_profiles,), and the station
        wanted (its index, counted from 0): only its profiles are taken, and its position.

    Returns
    -------
    str
        The command; its output keeps each variable's units, ``vertical`` as a scalar
        coordinate at ``level`` with its attributes, and the latitude and longitude as scalar
        coordinates in ``degrees_north`` and ``degrees_east``.
    """
    # beside the file, never over an existing one (copy_path), written whole (whole_write): the line wrote a fixed
    # name itself and replaced a file of that name (fix45b)
    out = copy_path(path, f"{vertical}{level:g}")
    index = station[1] if station else 0
    keep = (f"np.flatnonzero(ds[{station[0]!r}].values == {index})" if station
            else "np.arange(n.size)")
    attrs = {key: value for key, value in dataset[vertical].attrs.items()
             if key in ("units", "standard_name", "long_name", "positive", "axis")}
    code = (
        "import sys, numpy as np, xarray as xr; ds = xr.open_dataset(sys.argv[1]); "
        f"n = ds[{count!r}].values.astype(int); ends = np.cumsum(n); keep = {keep}; p = ds[{vertical!r}].values; "
        f"at = lambda v, a, b: (lambda q, w: (lambda k: np.interp({level!r}, q[k], w[k], left=np.nan, right=np.nan) "
        "if k.size > 1 else np.nan)((o := np.argsort(q))[np.isfinite(q[o] + w[o])]))(p[a:b], v[a:b]); "
        f"d = xr.Dataset({{name: ('time', [at(ds[name].values, ends[i] - n[i], ends[i]) for i in keep], "
        "{'units': ds[name].attrs.get('units', '')}) for name in " + repr(list(names)) + "}, "
        f"coords={{'time': ('time', ds[{time!r}].values[keep]), "
        f"{vertical!r}: ((), {level!r}, {attrs!r}), "
        f"'lat': ((), float(ds[{positions[0]!r}].values.ravel()[{index}]), "
        "{'units': 'degrees_north', 'standard_name': 'latitude'}), "
        f"'lon': ((), float(ds[{positions[1]!r}].values.ravel()[{index}]), "
        "{'units': 'degrees_east', 'standard_name': 'longitude'})}); " + whole_write()
    )
    return f"{python_command(code)} {shown_path(path)} {shown_path(out)}"
