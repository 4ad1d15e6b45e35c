"""Records laid out along depth with an age for each sample: the age is the time axis.

Ice and sediment cores, speleothems and corals are stored as their archives are measured:
along depth (or distance), each sample with its age from an age model, as LiPD and NOAA
Paleo exports write them: ``d18O(depth)`` beside ``age(depth)`` in ``years BP``. CF finds no
time axis there (the dimension is ``depth``), and each depth is one sample: choosing one
(``select = {depth = 21.07}``) leaves a single value (break35a A8). The age variable along
that dimension is the time axis; :func:`age_along_dimension` finds it, and
:func:`age_axis_advice` gives the xarray line that makes it the dimension in a copy
(:meth:`xarray.Dataset.swap_dims`) and gives it CF's ``standard_name = "time"`` and
``axis = "T"``, whose ages climann then dates (or refuses with the command that dates them,
:mod:`climann.data.before_present`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import xarray as xr

from climann.data.before_present import years_per_unit
from climann.data.decimal_years import DECIMAL_YEAR_UNITS
from climann.data.shell import input_and_copy, xarray_command

#: Names of a variable that holds each sample's age or date (lower case).
AGE_NAMES = frozenset({"age", "ages", "age_bp", "agebp", "age_ad", "year", "years", "yearad", "year_ad", "time",
                       "date", "calyrbp", "age_calbp"})

#: CF featureTypes (CF §9) whose observations along one dimension may be of several features.
_SEVERAL_FEATURES = frozenset({"point", "timeseries", "trajectory", "timeseriesprofile", "trajectoryprofile"})

#: Units of time counted from a reference date (CF §4.4): ``days since 1950-01-01``.
_SINCE = re.compile(r"^\s*\w+\s+since\s", re.IGNORECASE)


@dataclass(frozen=True)
class AgeAlong:
    """An age (or date) variable along another dimension.

    Attributes
    ----------
    name : str
        The age variable (``age``).
    dim : str
        The dimension it lies along (``depth``).
    units : str
        Its ``units`` ("" when it has none).
    """

    name: str
    dim: str
    units: str


def is_age(variable: xr.DataArray) -> bool:
    """Whether a 1-D variable holds ages or dates: CF ``standard_name = "time"`` or ``axis = "T"``,
    units of years before present (``years BP``, ``ka BP``), of decimal years (``year AD``) or
    of a count since a date (``days since …``), or a name of :data:`AGE_NAMES` with numbers.

    Parameters
    ----------
    variable : xarray.DataArray
        As opened, times not decoded or decoded.
    """
    attrs = variable.attrs
    units = str(attrs.get("units", variable.encoding.get("units", "")))
    if variable.ndim != 1 or not (variable.dtype.kind in "iufM" or variable.dtype == object):
        return False
    if attrs.get("standard_name") == "time" or str(attrs.get("axis", "")).upper() == "T":
        return True
    if years_per_unit(units) is not None or units.strip().lower() in DECIMAL_YEAR_UNITS or _SINCE.match(units):
        return True
    return str(variable.name).lower() in AGE_NAMES or variable.dtype.kind == "M"


def age_along_dimension(dataset: xr.Dataset) -> AgeAlong | None:
    """The age variable that dates the samples of the data's one dimension of several values
    that is not itself dated (``age(depth)`` for ``d18O(depth)``), or None.

    Parameters
    ----------
    dataset : xarray.Dataset

    Returns
    -------
    AgeAlong or None
        None when no data variable lies along such a dimension, or no variable of it alone is
        an age (:func:`is_age`), or several are, or the file is a CF discrete sampling geometry
        of several features (:data:`_SEVERAL_FEATURES`: the times of a ragged array of stations
        along ``obs`` are no one record's axis).
    """
    if str(dataset.attrs.get("featureType", "")).lower() in _SEVERAL_FEATURES:
        return None
    for dim in _sample_dimensions(dataset):
        ages = [str(name) for name, variable in dataset.variables.items()
                if name != dim and variable.dims == (dim,) and is_age(dataset[name])]
        if len(ages) == 1:
            age = dataset[ages[0]]
            return AgeAlong(ages[0], dim, str(age.attrs.get("units", age.encoding.get("units", ""))))
    return None


def _sample_dimensions(dataset: xr.Dataset) -> list[str]:
    """Dimensions of several values of the data variables whose own coordinate (if any) is no
    age or date."""
    dims: list[str] = []
    for variable in dataset.data_vars.values():
        for dim in map(str, variable.dims):
            own = dataset[dim] if dim in dataset.variables else None
            if dataset.sizes[dim] > 1 and dim not in dims and (own is None or not is_age(own)):
                dims.append(dim)
    return dims


def age_axis_advice(dataset: xr.Dataset, age: AgeAlong) -> str:
    """Words for the end of a refusal that finds no time axis: ``age`` is the record's time
    axis, and the xarray line that makes it the dimension in a copy of the dataset's file.

    Examples
    --------
    >>> age = ("depth", [49.7, 80.2], {"units": "years BP"})
    >>> core = xr.Dataset({"d18O": ("depth", [-35.0, -36.0])}, coords={"depth": ("depth", [1.0, 2.0]), "age": age})
    >>> advice = age_axis_advice(core, age_along_dimension(core))
    >>> print(advice[:advice.index(" import os")])  # doctest: +NORMALIZE_WHITESPACE
    ; 'age' (years BP) along 'depth' dates each sample: it is the record's time axis, not 'depth' (each depth is one
    sample); make it the dimension in a copy, e.g. `.../python -c "import sys, xarray as xr;
    d = xr.open_dataset('IN.nc', decode_times=False); d = d.swap_dims(depth='age');
    d['age'].attrs.update(standard_name='time', axis='T');
    >>> print(advice[advice.index("d.to_netcdf(p)"):])  # the copy written whole (whole_write)
    d.to_netcdf(p);os.replace(p,'OUT.nc')"`, then give the copy
    """
    source = dataset.encoding.get("source")
    files = "IN.nc OUT.nc" if source is None else input_and_copy(source)
    # CF finds a time axis by its attributes (years BP are no CF units): standard_name and axis say it
    command = xarray_command([f"d = d.swap_dims({age.dim}={age.name!r})",
                              f"d[{age.name!r}].attrs.update(standard_name='time', axis='T')"], files)
    units = f" ({age.units})" if age.units else ""
    return (f"; {age.name!r}{units} along {age.dim!r} dates each sample: it is the record's time axis, not "
            f"{age.dim!r} (each {age.dim} is one sample); make it the dimension in a copy, e.g. `{command}`, then give "
            "the copy")

