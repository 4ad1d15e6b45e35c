"""Profiles whose position moves with height: a radio occultation's tangent point, a dropsonde's drift.

A GNSS radio-occultation profile (COSMIC-2's ``atmPrf`` files, one occultation each) is measured
where the ray from a GPS satellite to the receiving satellite passes closest to the Earth, its
perigee or tangent point, which drifts by a few hundred kilometres as the ray descends through
the atmosphere. CDAAC writes it along the profile's altitudes: ``Lat(MSL_alt)`` and
``Lon(MSL_alt)`` in ``deg`` ("Latitude of perigee point"), and the occultation's one time only
in the global attributes ``year``, ``month``, ``day``, ``hour``, ``minute``, ``second`` (CDAAC
"atmPrf" format). A dropsonde drifts with the wind as it falls, its ``lat(alt)`` likewise.

Such a file is one sounding at one time: no place has a series and the file is no grid. Read
otherwise, it found "no latitude coordinate" and was advised the scalar ``lat = 0``, ``lon = 0``
of a station's series or an area mean: a profile at 23° N, 150° E put at 0° N, 0° E, then a dead
end ("no time-varying variable", "give each file its date", break43b A4). :func:`slanted_profile`
finds them: a latitude and a longitude (CF, or named so in plain degrees,
:func:`~climann.data.coordinate_values.position_kind`) both along one vertical axis
(:func:`is_vertical_axis`: a height, altitude, depth or pressure coordinate), whose values change
along it; :func:`slanted_profile_message` refuses the file as positions that move, with the way
to a grid: bin the profiles onto fixed heights, a latitude-longitude grid and a time axis first.

Sources: CDAAC data formats, "atmPrf" (UCAR COSMIC Program); Kursinski et al. 1997, "Observing
Earth's atmosphere with radio occultation measurements using the Global Positioning System",
J. Geophys. Res. 102(D19) (the tangent point's drift); CF 1.8 §4.3 (vertical coordinates), §9
(profiles as discrete sampling geometries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import dask
import numpy as np
import xarray as xr
from cf_xarray.criteria import coordinate_criteria

from climann.data.coordinate_values import position_kind
from climann.errors import ClimannError

__all__ = ["SlantedProfile", "is_vertical_axis", "slanted_profile", "slanted_profile_message"]

#: Words of a vertical coordinate's name or long_name (any case): MSL_alt, "Mean sea level
#: altitude", geopotential height, depth, pressure, level.
_VERTICAL_WORDS = re.compile(r"alt|height|hght|hgt|depth|press|pres\b|level|\blev", re.IGNORECASE)

#: The global attributes in which CDAAC dates an occultation (year, month, day, hour, minute).
DATE_ATTRIBUTES = ("year", "month", "day", "hour", "minute", "second")


@dataclass(frozen=True)
class SlantedProfile:
    """A latitude and a longitude that change along a vertical axis.

    Attributes
    ----------
    latitude, longitude : str
        Their variables' names (``Lat``, ``Lon``).
    vertical : str
        The vertical axis's dimension (``MSL_alt``).
    """

    latitude: str
    longitude: str
    vertical: str


def is_vertical_axis(variable: xr.DataArray) -> bool:
    """Whether a 1-D numeric variable is a vertical coordinate: by CF (an attribute in cf_xarray's
    ``vertical`` or ``Z`` criteria: ``axis = "Z"``, ``positive``, ``standard_name = "altitude"``),
    or by units of length or pressure with a name or ``long_name`` that says height, altitude,
    depth, pressure or level (CDAAC's ``MSL_alt`` in km, "Mean sea level altitude of perigee point")."""
    from climann.data.units import parse_units

    if variable.ndim != 1 or variable.dtype.kind not in "iuf":
        return False
    attrs = variable.attrs
    if any(str(attrs.get(key, "")) in values for kind in ("vertical", "Z")
           for key, values in coordinate_criteria[kind].items()):
        return True
    units = str(attrs.get("units", "")).strip()
    if not units or not _VERTICAL_WORDS.search(f"{variable.name} {attrs.get('long_name', '')}"):
        return False
    try:
        unit = parse_units(units, variable=str(variable.name))
    except (ClimannError, AttributeError, ValueError):
        return False
    return bool(unit.check("[length]") or unit.check("[pressure]"))


def slanted_profile(dataset: xr.Dataset) -> SlantedProfile | None:
    """The latitude and longitude of ``dataset`` that change along one vertical axis, or None.

    Both on one dimension (dimensions of length 1 apart: a scalar ``lat``/``lon`` added beside
    them, read as an axis of one value, leaves them on ``(MSL_alt, lat, lon)``), a vertical
    coordinate lies on it (:func:`is_vertical_axis`) and no time (a glider's ``lat(time)`` beside its
    ``depth(time)`` is a track), and either takes more than one value.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, lazily opened; its positions and vertical coordinates (1-D) are read.

    Returns
    -------
    SlantedProfile or None
    """
    found: dict[str, dict[str, str]] = {}
    for name, variable in dataset.variables.items():
        dims = [str(dim) for dim in variable.dims if dataset.sizes[dim] > 1]
        kind = position_kind(str(name), dataset[name]) if len(dims) == 1 else None
        if kind is not None:
            found.setdefault(dims[0], {}).setdefault(kind, str(name))
    along_time = {str(dim) for variable in dataset.variables.values() if _is_time(variable) for dim in variable.dims}
    for dim, kinds in found.items():
        if len(kinds) < 2 or dim in along_time or not any(variable.dims == (dim,) and is_vertical_axis(dataset[name])
                                     for name, variable in dataset.variables.items() if name not in kinds.values()):
            continue
        with dask.config.set(scheduler="synchronous"):
            values = [np.asarray(dataset[name].values, np.float64).ravel() for name in kinds.values()]
        if any(np.unique(each[np.isfinite(each)]).size > 1 for each in values):
            return SlantedProfile(kinds["latitude"], kinds["longitude"], dim)
    return None


def _is_time(variable: xr.Variable) -> bool:
    """Whether a variable is a time (CF ``standard_name``, ``axis = "T"``, dates decoded or not):
    positions along it are a track's (a glider's ``lat(time)`` beside its ``depth(time)``), refused
    as such by :func:`climann.data.coordinate_values.checked_coordinates`."""
    units = str(variable.encoding.get("units", variable.attrs.get("units", "")))
    return (variable.attrs.get("standard_name") == "time" or str(variable.attrs.get("axis", "")).upper() == "T"
            or variable.dtype.kind == "M" or " since " in units)


def slanted_profile_message(dataset: xr.Dataset, profile: SlantedProfile, where: str) -> str:
    """The refusal of a file of one profile whose position moves with height
    (:func:`slanted_profile`), naming the ranges of its positions and heights, the date its
    global attributes give, and the way to a grid."""
    with dask.config.set(scheduler="synchronous"):
        ranges = {name: np.asarray(dataset[name].values, np.float64)
                  for name in (profile.latitude, profile.longitude)}
    shown = "; ".join(f"'{name}' {np.nanmin(values):.4g}…{np.nanmax(values):.4g}" for name, values in ranges.items())
    heights = next((name for name, variable in dataset.variables.items()
                    if variable.dims == (profile.vertical,) and is_vertical_axis(dataset[name])), profile.vertical)
    with dask.config.set(scheduler="synchronous"):
        levels = np.asarray(dataset[heights].values, np.float64)
    units = str(dataset[heights].attrs.get("units", "")).strip()
    span = f"{np.nanmin(levels):.4g}…{np.nanmax(levels):.4g}{' ' + units if units else ''}"
    dated = [key for key in DATE_ATTRIBUTES if key in dataset.attrs]
    date = (f"; its one time is in the global attributes {', '.join(dated)}" if len(dated) >= 3 else "")
    return (
        f"{where}: the file holds a profile whose position moves with height: latitude '{profile.latitude}' and "
        f"longitude '{profile.longitude}' are given at each of the {dataset.sizes[profile.vertical]} levels of "
        f"'{heights}' ({span}) and change along them ({shown}: a radio occultation's tangent point, a dropsonde's "
        f"drift), so no place has a series and the file is not a grid{date}; climann trains on grids and single "
        "places only, and a position is never made up for it: bin the profiles onto fixed heights, a "
        "latitude-longitude grid and a time axis first (interpolate each profile to fixed heights with numpy.interp, "
        "then take the mean of each 5° box and month over many profiles, each at its own position and date), and "
        "give climann those binned series"
    )
