"""Ratios of named units against pure numbers: one dimension, not one quantity.

pint (and UDUNITS) read ``m3 m-3``, ``kg kg-1``, ``mol mol-1``, ``m2 m-2`` and ``g/kg`` as
dimensionless, as they read ``percent``, ``%``, ``1`` and ``0.001``, and convert any of them into
any other by a number. The units say more than their dimension: a ratio of named units says what
is counted (a volume of water per volume of soil, a mass of vapour per mass of air), a pure
number does not. ESA CCI soil moisture shows what that opens: COMBINED and PASSIVE give ``sm`` as
a volumetric fraction in ``m3 m-3``, ACTIVE as the degree of saturation θ/θsat in ``percent``
("Percent of Saturation Soil Moisture"), which becomes a volumetric fraction only through the
soil's porosity; read ×0.01 as m3 m-3, its RMSE was ten times the run's own (break31b B1).
Relative humidity in ``%`` against specific humidity in ``kg kg-1`` is the same fault.

So a variable in a ratio of named units is not converted to or from a pure number
(:func:`crosses_ratio`, :func:`ratio_refusal`; which units are which:
:func:`climann.data.units.dimensionless_kind`) unless both sides name one CF
``standard_name`` (CF 1.8 §3.3: then the files say it is one quantity, as CMIP's
``sea_water_salinity`` in ``0.001`` and ``g/kg``). Pure numbers among themselves (``%`` and
``1``, cloud cover) and ratios among themselves (``m3 m-3`` and ``m3/m3``) convert as before
(:func:`climann.data.units.convert_variable`).
"""

from __future__ import annotations

from collections.abc import Mapping

from climann.data.standard_name_aliases import current_standard_name
from climann.data.standard_names import standard_name_of

__all__ = ["NAMED_RATIO", "PURE_NUMBER", "crosses_ratio", "ratio_refusal", "units_of_the_same_quantity"]

#: The two kinds of dimensionless units (:func:`climann.data.units.dimensionless_kind`).
NAMED_RATIO, PURE_NUMBER = "a ratio of named units", "a pure number"


def _named_quantity(attrs: Mapping) -> str:
    """The CF standard name of a variable's attributes, lower case, an alias read as the name
    it stands for; ``""`` when it has none."""
    name = standard_name_of(attrs).lower()
    return current_standard_name(name) if name else ""


def crosses_ratio(kinds: tuple[str | None, str | None], attrs: Mapping, reference_attrs: Mapping | None) -> bool:
    """Whether a conversion turns a ratio of named units into a pure number or back without
    both sides naming one CF ``standard_name``.

    Parameters
    ----------
    kinds : (str or None, str or None)
        :func:`climann.data.units.dimensionless_kind` of the values' units and of those wanted
        (:data:`NAMED_RATIO`, :data:`PURE_NUMBER`, None for units with a dimension).
    attrs : mapping
        The variable's attributes.
    reference_attrs : mapping, optional
        What is known of the reference's variable (its attributes, or a run's record of its
        ``standard_name``); None when nothing is.

    Returns
    -------
    bool

    Examples
    --------
    >>> crosses_ratio((PURE_NUMBER, NAMED_RATIO), {"long_name": "Percent of Saturation Soil Moisture"}, {})
    True
    >>> crosses_ratio((PURE_NUMBER, PURE_NUMBER), {}, {})
    False
    """
    if None in kinds or kinds[0] == kinds[1]:
        return False
    own, reference = _named_quantity(attrs), _named_quantity(reference_attrs or {})
    return not (own and own == reference)


def units_of_the_same_quantity(to: str, scale: float) -> str:
    """The units that make values which are the reference's quantity convert by ``scale`` to
    ``to``: ``0.01 m3 m-3`` for percent values of a volume fraction in ``m3 m-3`` (UDUNITS: a
    number in the units is a scale), ``to`` itself when ``scale`` is 1."""
    return str(to).strip() if scale == 1.0 else f"{scale:g} {str(to).strip()}"


def _described(units: str, kind: str | None, attrs: Mapping) -> str:
    """``'percent' (a pure number; long_name 'Percent of Saturation Soil Moisture')``."""
    said = [f"standard_name {name}" for name in [standard_name_of(attrs)] if name]
    said += [f"long_name '{text}'" for text in [str(attrs.get("long_name", "")).strip()] if text]
    return f"'{units}' ({'; '.join([str(kind), *said])})"


def ratio_refusal(name: str, units: str, to: str, *, kinds: tuple[str | None, str | None], attrs: Mapping,
                  reference_attrs: Mapping | None, where: str, reference: str, scale: float, fix: str) -> str:
    """The one-line refusal of a conversion :func:`crosses_ratio` finds.

    Parameters
    ----------
    name : str
        The variable.
    units, to : str
        Its units in ``where`` and in ``reference``.
    kinds : (str, str)
        Their kinds (:func:`crosses_ratio`).
    attrs, reference_attrs : mapping
        Its attributes on each side (``reference_attrs`` None when unknown), for their
        descriptions.
    where, reference : str
        The two sides, for the message.
    scale : float
        The factor pint would have applied.
    fix : str
        The command that gives it :func:`units_of_the_same_quantity` in a copy of its file.

    Returns
    -------
    str
    """
    done = "relabelled" if scale == 1.0 else f"multiplied by {scale:g}"
    return (f"'{name}' is in {_described(units, kinds[0], attrs)} in {where} but in "
            f"{_described(to, kinds[1], reference_attrs or {})} "
            f"in {reference}: a pure number and a ratio of named units are not one quantity unless the same CF "
            f"standard_name says so (a percent of saturation is no volume fraction, a relative humidity no "
            f"kg kg-1), so its values are not {done}; give '{name}' as {reference} has it, or, if "
            f"its values really are that quantity, set its units ({fix})")
