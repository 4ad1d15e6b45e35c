"""Geopotential against geopotential height: one quantity, apart by the standard gravity.

ERA5 gives geopotential ``z`` in ``m**2 s**-2``; JRA-55 (``HGT_GDS0_ISBL``), NCEP/NCAR and MERRA-2
(``H850``) give geopotential height, in ``gpm`` (geopotential metres) or ``m``. The two are the
same field: geopotential = g0 × geopotential height, with the standard gravity g0 = 9.80665 m s-2
that defines the geopotential metre (WMO, Technical Regulations No. 49; WMO-No. 8, Guide to
Instruments and Methods of Observation). A units library reads ``gpm`` as a metre, which does not
convert to ``m2 s-2``; the units attribute alone relabelled would leave the values 9.80665 times
too small (break55a A3: predictions 84 K off, exit 0). So the refusal of such a pair names the
factor (:func:`geopotential_factor`) and gives the line that multiplies by it in a copy
(:func:`geopotential_refusal_text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pint

#: The standard gravity g0, in m s-2 (WMO): geopotential = g0 × geopotential height.
STANDARD_GRAVITY = 9.80665

#: The dimensions of a geopotential height (a length) and of a geopotential (an energy per mass).
_LENGTH, _ENERGY = {"[length]": 1}, {"[length]": 2, "[time]": -2}


def geopotential_factor(units: pint.Quantity, to: pint.Quantity) -> float | None:
    """The factor that takes values in ``units`` to ``to`` when one is a geopotential height (a
    length: ``gpm``, ``m``, ``km``) and the other a geopotential (an energy per mass: ``m**2 s**-2``,
    ``J kg-1``): g0 (:data:`STANDARD_GRAVITY`) times the conversion of the units, or its inverse;
    None for any other pair.

    Parameters
    ----------
    units, to : pint.Quantity
        The units of the values, and those wanted, as read (:func:`climann.data.units.parse_units`).

    Returns
    -------
    float or None

    Examples
    --------
    >>> import pint
    >>> registry = pint.UnitRegistry()
    >>> round(geopotential_factor(registry.Quantity(1, "m"), registry.Quantity(1, "m**2 s**-2")), 5)
    9.80665
    """
    gravity = STANDARD_GRAVITY * units._REGISTRY.Unit("m s**-2")  # the registry the units were read with
    for dimensions, by in (((_LENGTH, _ENERGY), gravity), ((_ENERGY, _LENGTH), 1 / gravity)):
        if dict(units.dimensionality) == dimensions[0] and dict(to.dimensionality) == dimensions[1]:
            return float((units * by).to(to.units).magnitude / to.magnitude)
    return None


def is_height(units: pint.Quantity) -> bool:
    """Whether ``units`` are those of a length (a geopotential height's)."""
    return dict(units.dimensionality) == _LENGTH


def geopotential_refusal_text(name: str, units: str, to: str, *, where: str, reference: str, factor: float,
                              line: str, height_given: bool) -> str:
    """The one-line refusal of a geopotential height against a geopotential (or the reverse):
    both quantities, g0 and the ``line`` that multiplies the values by ``factor`` and sets the
    units ``to`` in a copy.

    Parameters
    ----------
    name : str
        The variable.
    units, to : str
        Its units in ``where``, and in ``reference``.
    where, reference : str
        The new files, and the run's data, for the message.
    factor : float
        :func:`geopotential_factor` of ``units`` to ``to``.
    line : str
        The command that writes the converted copy.
    height_given : bool
        Whether ``units`` are a geopotential height's (:func:`is_height`).

    Returns
    -------
    str
    """
    own, other = ("a geopotential height", "a geopotential") if height_given else ("a geopotential",
                                                                                  "a geopotential height")
    way = "multiply by" if factor >= 1 else "divide by"
    shown = f"{factor:.6g}" if factor >= 1 else f"{1 / factor:.6g}"
    return (f"'{name}' is in '{units}' in {where} but in '{to}' in {reference}: {own} against {other}, one field "
            f"apart by the standard gravity g0 = {STANDARD_GRAVITY} m s-2 (WMO: geopotential = g0 × geopotential "
            f"height), which the units alone do not convert (setting the units attribute would leave the values "
            f"{STANDARD_GRAVITY} times off); give '{name}' in {to}: {way} {shown} ({line})")
