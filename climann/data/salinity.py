"""Salinity whose units say a fraction or parts per thousand: told by its values.

Practical salinity (PSS-78) is a number on the g/kg scale: standard seawater has S_P = 35 and
holds 35.165 g of salt per kg (TEOS-10, ``gsw_uPS`` = 35.16504/35 g/kg). Files write it
``psu``, ``PSS-78``, ``1e-3`` (the CF standard name table before version 29 gives
``sea_water_salinity`` and ``sea_surface_salinity`` in ``1e-3``; CMIP6's ``so`` and ``sos``) or
``1`` (newer tables give ``sea_water_practical_salinity`` in ``1``, for the same number 35).
For UDUNITS and pint, ``1`` is a fraction: 35 in ``1e-3`` is 0.035 in ``1``. So between ``1``
and the 1e-3 scale the units alone leave a factor 1000 open, and a file of ``sos`` in ``1``
beside one in ``1e-3`` was scaled by it (break32a B1).

The values settle it: PSS-78 is defined from 2 to 42 (:data:`PRACTICAL_RANGE`; UNESCO 1981,
the range of validity of the ``gsw`` functions), and seawater's mass fraction of salt lies a
thousand times lower (:data:`FRACTION_RANGE`). The typical value of the variable (the median of
its magnitudes on the steps the checks read, :func:`typical_salinity`) says on which scale its
numbers are, and :func:`salinity_scale` converts only when the values agree with their units:

- values near 35 in ``1`` are practical salinity as the newer CF table writes it: relabelled
  to the 1e-3 scale with the factor 1, and said;
- values near 0.035 in ``1`` (or ``kg kg-1``) are a fraction: converted ×1000, as UDUNITS does;
- values near 35 in ``1e-3`` (``psu``, ``g/kg``) are converted ×0.001 to a ``kg kg-1``; to a ``1``
  of the reference as the reference's values say, when they are at hand (the first file of a
  variable split over files): near 35, relabelled, near 0.035, ×0.001; else refused;
- any other values are refused, naming both readings and the units to write.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
import xarray as xr

from climann.data.fill_like import checked_steps
from climann.data.standard_names import standard_name_of
from climann.errors import ClimannError

__all__ = ["FRACTION_RANGE", "PRACTICAL_RANGE", "is_salinity", "salinity_scale", "typical_salinity"]

#: The Practical Salinity Scale 1978 is defined from 2 to 42 (values of S_P).
PRACTICAL_RANGE = (2.0, 42.0)
#: The same salinities as mass fractions (kg of salt per kg of seawater).
FRACTION_RANGE = (2e-3, 42e-3)
#: The units to write for practical salinity in a file (CMIP6's, CF's older table's).
PRACTICAL_SALINITY_UNITS = "1e-3"
#: The factor between a fraction and the 1e-3 scale: 35 in ``1e-3`` is 0.035 in ``1``.
_THOUSAND = 1000.0

_SALINITY_WORDS = re.compile(r"salinity", re.IGNORECASE)


def is_salinity(attrs: Mapping) -> bool:
    """Whether a variable's ``standard_name`` or ``long_name`` says salinity (CF:
    ``sea_water_salinity``, ``sea_surface_salinity``, ``sea_water_practical_salinity`` …).

    Examples
    --------
    >>> is_salinity({"standard_name": "sea_surface_salinity"}), is_salinity({"long_name": "Sea Surface Salinity"})
    (True, True)
    >>> is_salinity({"standard_name": "sea_surface_temperature"})
    False
    """
    return bool(_SALINITY_WORDS.search(f"{standard_name_of(attrs)} {attrs.get('long_name', '')}"))


def typical_salinity(variable: xr.DataArray) -> float:
    """The median of the magnitudes of a variable's finite values, read on at most
    :data:`~climann.data.fill_like.FILL_LIKE_CHECKED_STEPS` evenly spaced time steps
    (:func:`~climann.data.fill_like.checked_steps`); NaN when it has none.

    Parameters
    ----------
    variable : xarray.DataArray
        The salinity as opened (lazy or in memory), any shape.

    Returns
    -------
    float
        In the variable's own units.
    """
    values = np.abs(np.asarray(checked_steps(variable).values, np.float64))  # one read, as the value checks do
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else math.nan


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def salinity_scale(scale: float, typical: float, *, units: str, to: str, fraction_is_one: bool, name: str,
                   where: str, reference: str, fixes: Mapping[str, str],
                   reference_typical: float | None = None) -> tuple[float, str]:
    """The factor that converts salinity values from ``units`` to ``to`` when the units differ
    by a factor 1000 (``scale`` 1000: ``units`` a fraction, ``to`` on the 1e-3 scale; 0.001: the
    other way), by what the values are (see the module's text).

    Parameters
    ----------
    scale : float
        The factor the units give (UDUNITS), 1000 or 0.001.
    typical : float
        :func:`typical_salinity` of the values, in ``units``.
    units, to : str
        The units of the values and those wanted.
    fraction_is_one : bool
        Whether the side in fraction units writes them ``1`` (a pure number: CF's newer table
        writes practical salinity so), rather than a ratio such as ``kg kg-1``.
    name, where, reference : str
        The variable's name and where ``units`` and ``to`` come from, for the messages.
    fixes : mapping of str to str
        The commands that set the units of ``name`` in ``where`` to the units given as key.
    reference_typical : float, optional
        :func:`typical_salinity` of the reference's values in ``to``, when they are at hand (the
        first file of a series): they tell which ``1`` the reference's is.

    Returns
    -------
    (float, str)
        The factor (``new = factor · old``) and what it assumed (``""`` when only the units).

    Raises
    ------
    ClimannError
        When the values are on neither scale, disagree with their own units, or when a ``1`` of
        the reference could be either (its values not at hand, or on neither scale).
    """
    if math.isnan(typical):
        return scale, ""  # no value to convert wrongly
    on = "a fraction" if _within(typical, FRACTION_RANGE) else \
        "practical salinity" if _within(typical, PRACTICAL_RANGE) else None
    up = math.isclose(scale, _THOUSAND)  # from a fraction to the 1e-3 scale
    described = f"'{name}' is salinity in '{units}' in {where} but in '{to}' in {reference}"
    values = f"its values (median {typical:.4g})"
    if on == ("a fraction" if up else "practical salinity") and (up or not fraction_is_one):
        return scale, ""  # the values agree with their units, and the units say the factor
    if up and on == "practical salinity" and fraction_is_one:
        return 1.0, (f"read as practical salinity (PSS-78), which CF's newer standard name table writes in '1': "
                     f"{values} are {PRACTICAL_RANGE[0]:g} to {PRACTICAL_RANGE[1]:g}, not a fraction; factor 1")
    if not up and on == "practical salinity" and _within(reference_typical or math.nan, PRACTICAL_RANGE):
        return 1.0, (f"read as the practical salinity of {reference} (PSS-78, which CF's newer standard name table "
                     f"writes in '1': its values, median {reference_typical:.4g}, are not fractions); factor 1")
    if not up and on == "practical salinity" and _within(reference_typical or math.nan, FRACTION_RANGE):
        return scale, ""
    if not up and on == "practical salinity":  # in 1e-3 to a '1' of the reference: which '1'?
        unknown = f"the values of {reference} are not at hand to tell" if reference_typical is None else \
            f"those of {reference} (median {reference_typical:.4g}) are on neither scale"
        raise ClimannError(
            f"{described}, and '1' is ambiguous for salinity: CF's newer standard name table writes practical "
            f"salinity (35) in '1', UDUNITS reads '1' as a fraction (0.035); {values} are practical salinity, and "
            f"{unknown}: if they are about 35 too, write '1' as they do "
            f"({fixes['1']}); if they are fractions (about 0.035), give {where}'s as fractions")
    scales = (f"practical salinity (PSS-78) is {PRACTICAL_RANGE[0]:g} to {PRACTICAL_RANGE[1]:g}, as a fraction "
              f"{FRACTION_RANGE[0]:g} to {FRACTION_RANGE[1]:g}")
    fix = fixes.get(PRACTICAL_SALINITY_UNITS if on == "practical salinity" else "1") if on else None
    way_out = f"if only the units attribute is wrong: {fix}" if fix else "check the values and their units"
    raise ClimannError(f"{described}, which differ by a factor 1000, and {values} are {on or 'on neither scale'}, "
                       f"not what '{units}' says ({scales}); {way_out}")
