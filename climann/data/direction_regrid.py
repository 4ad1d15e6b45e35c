"""Regridding a file that holds a direction: its sine and cosine are regridded, the angle recovered.

A direction (ERA5's ``mwd`` "Mean wave direction" in ``Degree true``, CMEMS's ``VMDR``,
:func:`climann.data.circular.is_direction`) is an angle on a circle: a remapping that averages
or interpolates its values as numbers puts the mean of 350° and 10° at 180°, the opposite of
their circular mean 0° (Fisher 1993, "Statistical analysis of circular data", §2.2). break52b A1:
``cdo remapcon`` of a 0.5° ERA5 wave file onto 5° cells left the copy's ``mwd`` a median 16°
and up to 179° off the circular mean of the cells each new cell covers, and climann's own
sine/cosine line then made those angles predictors.

So the regrid advice of :mod:`climann.data.grid_cuts` wraps its remapping: the sine and cosine
of each direction are added first, remapped with the rest (each a weighted mean, the same
weights as any other variable's), and the direction is then recovered as
atan2(mean sine, mean cosine), put in 0…360° (0…2π for radians), which is the weighted
circular mean of the source values (Fisher 1993, eq. 2.9), the two helper variables dropped.
For CDO, ``-aexpr`` before and after the remapping operator (``atan2`` of CDO's ``expr``);
for xarray, statements before and after its ``interp`` or ``reindex``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from climann.data.circular import is_direction
from climann.data.handles import open_netcdf
from climann.errors import ClimannError

__all__ = ["cdo_direction_chain", "dataset_directions", "file_directions", "xarray_direction_statements"]


def _radians_factor(units: object) -> float:
    """π/180 for degrees (and for units that say nothing more: CF's canonical units of every
    direction are degrees), 1 for radians."""
    return 1.0 if str(units or "").strip().lower() in {"rad", "radian", "radians"} else math.pi / 180


def dataset_directions(dataset: Any) -> dict[str, float]:
    """The directions (:func:`~climann.data.circular.is_direction`) among the data variables of an
    opened ``dataset`` (an ``xarray.Dataset``), by name, each with the factor that turns its values
    into radians (π/180 for degrees, 1 for radians).

    Parameters
    ----------
    dataset : xarray.Dataset

    Returns
    -------
    dict of str to float
    """
    return {str(name): _radians_factor(variable.attrs.get("units"))
            for name, variable in dataset.data_vars.items() if is_direction(str(name), variable.attrs)}


def file_directions(path: str | Path) -> dict[str, float]:
    """The directions (:func:`~climann.data.circular.is_direction`) of a file, by their names in
    the file, each with the factor that turns its values into radians (π/180 for degrees, 1 for
    radians); empty where the file cannot be read (it is refused with its own message when opened).

    Parameters
    ----------
    path : str or Path
        A NetCDF file.

    Returns
    -------
    dict of str to float
    """
    try:
        with open_netcdf(path, decode_times=False) as dataset:
            return dataset_directions(dataset)
    except (OSError, ValueError, KeyError, TypeError, ClimannError):
        return {}


def cdo_direction_chain(operator: str, directions: dict[str, float]) -> str:
    """The CDO operators, ``operator`` (``remapcon,grid.nc``) among them, that remap a file whose
    ``directions`` (name → radians per unit, :func:`file_directions`) are regridded by their sine
    and cosine: ``-delete`` of the helpers ← ``-aexpr`` recovering each angle with ``atan2`` and
    putting it in 0…360° ← ``-OPERATOR`` ← ``-aexpr`` adding the sine and cosine; just
    ``operator`` when there is no direction. Quoted for a POSIX shell (the expressions hold ``;``,
    ``(`` and ``<``).

    Examples
    --------
    >>> cdo_direction_chain("remapcon,g.nc", {})
    'remapcon,g.nc'
    """
    if not directions:
        return operator
    before, after, helpers = [], [], []
    for name, factor in directions.items():
        turn = 2 * math.pi / factor
        before.append(f"{name}_sin_=sin({name}*{factor!r});{name}_cos_=cos({name}*{factor!r})")
        after.append(f"{name}=atan2({name}_sin_,{name}_cos_)/{factor!r};{name}={name}+{turn!r}*({name}<0)")
        helpers += [f"{name}_sin_", f"{name}_cos_"]
    return (f"-delete,name={','.join(helpers)} -aexpr,'{';'.join(after)}' -{operator} "
            f"-aexpr,'{';'.join(before)}'")


def xarray_direction_statements(directions: dict[str, float], *, before_on: str = "d",
                                after_on: str = "d") -> tuple[str, str]:
    """The Python statements on the dataset ``d`` (NumPy as ``np``) before and after an xarray
    regridding (or a time mean) that regrid the ``directions`` (name → radians per unit) by their
    sine and cosine and recover each angle with ``np.arctan2`` in 0…360° (0…2π), its attributes
    and encoding kept; ``("", "")`` when there is none. ``before_on`` and ``after_on`` name the
    datasets the statements before and after work on (``d`` both by default; a script that
    writes its means into ``m``: ``after_on="m"``)."""
    if not directions:
        return "", ""
    before, after = [], []
    d, m = before_on, after_on
    for name, factor in directions.items():
        turn = 2 * math.pi / factor
        before.append(f"{d}[{name + '_sin_'!r}] = np.sin({d}[{name!r}] * {factor!r}); "
                      f"{d}[{name + '_cos_'!r}] = np.cos({d}[{name!r}] * {factor!r}); ")
        after.append(f"{m}[{name!r}] = {m}[{name!r}].copy(data=(np.arctan2({m}[{name + '_sin_'!r}], "
                     f"{m}[{name + '_cos_'!r}]).data / {factor!r}) % {turn!r}); "
                     f"{m} = {m}.drop_vars([{name + '_sin_'!r}, {name + '_cos_'!r}]); ")
    return "".join(before), "".join(after)
