"""Levels that are no fixed height or pressure: a vertical coordinate that changes with time.

A radiosonde file (IGRA's ``timeSeriesProfile``, CF 1.8 §9, appendix H.5.1) numbers the values
of each sounding 0, 1, 2 … on a dimension ``level`` and gives each its pressure,
``pres(station, time, level)`` (``standard_name = "air_pressure"``, ``axis = "Z"``): level 5
of one sounding is at 910 hPa, of another at 150 hPa. A model's output on its own levels may
give ``ta(time, level, lat, lon)`` with ``coordinates = "pres"``, ``pres(time, level, lat,
lon)``. An index of such a dimension is no place in the vertical: the series of level 5 mixes
the boundary layer with the tropopause, and a network trained on it learns the sounding's
depth, not the temperature. A file is refused when a vertical coordinate (CF §4.3:
:func:`~climann.data.levels.is_level`) given as an auxiliary coordinate (named by a
``coordinates`` attribute, CF §5) or marked ``axis = "Z"`` lies on the time and another
dimension of a data variable and changes between time steps (missing values left aside); one
whose values are the same at every step is a fixed level and read as before.

Sources: CF conventions 1.8 §4.3 (vertical coordinates), §5 (auxiliary coordinates), §9 and
appendix H.5 (time series of profiles); IGRA v2 (Durre et al. 2016, NOAA NCEI).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import dask
import numpy as np
import xarray as xr

from climann.data.coordinate_values import position_kind
from climann.data.coords import time_coordinate
from climann.data.levels import is_level, is_pressure_or_height, parametric_level
from climann.data.shell import source_and_copy
from climann.errors import ClimannError

__all__ = ["check_levels_fixed"]


def _vertical_candidates(dataset: xr.Dataset, time_dim: str) -> list[str]:
    """The auxiliary vertical coordinates (or ``axis = "Z"`` variables) of ``dataset`` on its
    time dimension and at least one other: numeric, not a lead time."""
    found = []
    for name, variable in dataset.variables.items():
        marked = name in dataset.coords or str(variable.attrs.get("axis", "")).upper() == "Z"
        if (marked and name not in dataset.dims and variable.ndim >= 2 and time_dim in variable.dims
                and variable.dtype.kind in "iuf" and variable.attrs.get("standard_name") != "forecast_period"
                and is_level(dataset[name])):
            found.append(str(name))
    return found


#: About how many values are read at once while the steps are compared (a few MB).
_VALUES_AT_ONCE = 1_000_000


def _changes_in_time(variable: xr.Variable, time_dim: str) -> bool:
    """Whether ``variable`` takes two values at one place of its other dimensions over the time
    steps, beyond float rounding; missing values left aside (a sounding that did not reach a
    mandatory level leaves it at its pressure). Read in blocks of steps with dask's synchronous
    scheduler, stopping at the first that differs."""
    variable = variable.transpose(time_dim, ...)
    low = high = None
    block = max(1, _VALUES_AT_ONCE // max(int(np.prod(variable.shape[1:])), 1))
    with dask.config.set(scheduler="synchronous"), np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN places
        for start in range(0, variable.shape[0], block):
            values = np.asarray(variable[start:start + block].values, np.float64)
            low = np.fmin(np.nanmin(values, axis=0), low) if low is not None else np.nanmin(values, axis=0)
            high = np.fmax(np.nanmax(values, axis=0), high) if high is not None else np.nanmax(values, axis=0)
            scale = np.fmax(np.abs(low), np.abs(high))
            if (high - low > 1e-6 * scale).any():
                return True
    return False


def _level_index(dataset: xr.Dataset, dim: str, select: Mapping[str, object] | None) -> int | None:
    """The index along ``dim`` the run selects (its coordinate's value, or the index of a
    dimension without one), None when none is selected or it is not found."""
    value = (select or {}).get(dim)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if dim in dataset.coords and dataset[dim].ndim == 1:
        matches = np.flatnonzero(np.isclose(np.asarray(dataset[dim].values, np.float64), number))
        return int(matches[0]) if matches.size else None
    return int(number) if number.is_integer() and 0 <= number < dataset.sizes[dim] else None


def _range_at(variable: xr.DataArray, dim: str, index: int) -> tuple[float, float]:
    """The smallest and largest value of ``variable`` at ``index`` along ``dim`` (NaN left out)."""
    with dask.config.set(scheduler="synchronous"):
        values = np.asarray(variable.isel({dim: index}).values, np.float64)
    return float(np.nanmin(values)), float(np.nanmax(values))


def _varying_index(variable: xr.DataArray, dim: str) -> int:
    """The first index along ``dim`` at which ``variable`` takes more than one value."""
    for index in range(variable.sizes[dim]):
        low, high = _range_at(variable, dim, index)
        if high - low > 1e-6 * max(abs(low), abs(high)):
            return index
    return 0


def _way_out(dataset: xr.Dataset, dim: str, name: str, users: list[str]) -> str:
    """How to get data on fixed levels: interpolating each profile (or the model's levels with
    ``cdo ml2pl``), or leaving the variables on ``dim`` out to use the others."""
    if dim in dataset.coords and parametric_level(dataset[dim]):
        interpolate = ("interpolate the model levels to fixed pressure or height levels first "
                       "(cdo ml2pl or ml2hl, from the file's formula_terms)")
    else:
        interpolate = (f"interpolate each sounding (each column) to fixed levels of '{name}' first, e.g. in Python "
                       f"with numpy.interp on each profile's log-pressure (xarray.apply_ufunc(..., "
                       f"input_core_dims=[['{dim}'], ['{dim}']], vectorize=True)), and select one of those")
    others = [str(n) for n, v in dataset.data_vars.items() if dim not in v.dims and position_kind(str(n), v) is None]
    leave = (f"; to use {', '.join(others)} alone, leave them out: "
             f"`ncks -C -x -v {','.join([*users, name])} {source_and_copy(dataset[users[0]], suffix='fixed')}`"
             if others else "")
    return interpolate + leave


def check_levels_fixed(dataset: xr.Dataset, where: str, select: Mapping[str, object] | None = None) -> None:
    """Refuse a file whose vertical levels are no fixed pressure, height or depth: a vertical
    coordinate on a data variable's time and level dimensions that changes from step to step
    (IGRA's ``pres(station, time, level)``, a model's ``pres(time, level, lat, lon)``).

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file, its time on its own dimension (not modified). Only the candidate
        vertical coordinates are read.
    where : str
        The file's name, for the message.
    select : mapping of dimension name to value, optional
        The run's selection: the message gives the range of the selected level, else of the
        first level whose coordinate varies.

    Raises
    ------
    ClimannError
        If such a coordinate changes in time: naming it, the level dimension, the range of its
        values at one index of it (in its units), and the way out (interpolating each profile to
        fixed levels; ``cdo ml2pl`` for model levels).
    """
    time = time_coordinate(dataset)
    if time is None or dataset[time].ndim != 1:
        return
    time_dim = str(dataset[time].dims[0])
    for name in _vertical_candidates(dataset, time_dim):
        variable = dataset[name]
        if _on_fixed_levels(dataset, name):
            continue
        for dim in map(str, variable.dims):
            users = [str(n) for n, v in dataset.data_vars.items() if n != name and {dim, time_dim} <= set(v.dims)]
            if dim == time_dim or not users or not _changes_in_time(variable.variable, time_dim):
                continue
            index = _level_index(dataset, dim, select)
            index = _varying_index(variable, dim) if index is None else index
            low, high = _range_at(variable, dim, index)
            units = str(variable.attrs.get("units", "")).strip()
            raise ClimannError(
                f"{where}: the levels of '{dim}' (on {', '.join(users)}) are no fixed {_quantity(variable)}: "
                f"'{name}' changes from one time step to the next ({dim} {index} spans {low:.6g}…{high:.6g}"
                f"{' ' + units if units else ''}), so a series at one {dim} mixes different heights and climann "
                f"cannot select one; {_way_out(dataset, dim, name, users)}")


def _on_fixed_levels(dataset: xr.Dataset, name: str) -> bool:
    """Whether ``name``, a data variable marked ``axis = "Z"`` only (named by no ``coordinates``
    attribute), lies on a level dimension whose own coordinate gives fixed levels (CF §4.3): that
    coordinate places the values, and ``name`` is data. xarray's arithmetic carries a
    coordinate's attributes to its result (``tas + 0.1 * depth`` gets depth's ``standard_name`` and
    ``axis``), so a target written that way was refused as a varying depth."""
    return name not in dataset.coords and any(
        dim in dataset.coords and dataset[dim].ndim == 1 and is_level(dataset[dim]) for dim in dataset[name].dims)


def _quantity(variable: xr.DataArray) -> str:
    """``pressure``, ``depth`` or ``height`` of a vertical coordinate: by its ``standard_name``,
    else by units of pressure (:func:`~climann.data.levels.is_pressure_or_height`) or ``positive``."""
    standard = str(variable.attrs.get("standard_name", "")).lower()
    units = str(variable.attrs.get("units", "")).strip()
    if "pressure" in standard or (is_pressure_or_height(units) and not _is_length(units)):
        return "pressure"
    return "depth" if "depth" in standard or variable.attrs.get("positive") == "down" else "height"


def _is_length(units: str) -> bool:
    """Whether ``units`` are of a length (m, km), by pint."""
    from climann.data.units import parse_units, unit_registry

    try:
        return unit_registry().get_root_units(parse_units(units, variable="").units)[1] == unit_registry().Unit("m")
    except ClimannError:
        return False
