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

Ratios of named units of different kinds are no more one quantity: pint reads ``kg kg-1``,
``m3 m-3``, ``mol mol-1`` and ``m2 m-2`` all as ``1`` and relabels one as another. Soil water as a
mass per mass (gravimetric, ``kg kg-1``) is a volume per volume (``m3 m-3``) only times the soil's
bulk density over water's (1300/1000: 0.20 kg kg-1 is 0.26 m3 m-3); a mole fraction of ozone
(``mol mol-1``) is its mass mixing ratio (``kg kg-1``) times 28.96/48, air's molar mass over
ozone's; a leaf area index (``m2 m-2``) is no volume fraction at all. So two ratios are one
quantity when the kinds of their numerators and of their denominators are the same
(:func:`climann.data.units.ratio_dimensions`: each unit's dimensions in pint's registry, before
the ratio cancels them; :func:`ratio_kind`): ``m3 m-3``, ``m^3/m^3`` and ``L m-3`` are a volume per
volume and convert (250 ``L m-3`` is 0.25 ``m3 m-3``), ``g/kg`` and ``kg kg-1`` a mass per mass (5
``g/kg`` is 0.005 ``kg kg-1``), ``umol mol-1`` and ``mol mol-1`` an amount of substance per amount
of substance (410 ``umol mol-1`` of CO2 is 4.1e-4 ``mol mol-1``). Ratios of other kinds convert
only when both sides name one CF ``standard_name``, as a ratio and a pure number do; else they
are refused in one line with both descriptions and the way out (:func:`ratio_refusal`).
"""

from __future__ import annotations

from collections.abc import Mapping

from climann.data.standard_name_aliases import current_standard_name
from climann.data.standard_names import standard_name_of

__all__ = [
    "NAMED_RATIO", "PURE_NUMBER", "crosses_ratio", "described_kinds", "ratio_kind", "ratio_refusal",
    "units_of_the_same_quantity",
]

#: The two kinds of dimensionless units (:func:`climann.data.units.dimensionless_kind`).
NAMED_RATIO, PURE_NUMBER = "a ratio of named units", "a pure number"

#: Words for the base dimensions of a ratio's numerator or denominator, for the messages only
#: (which ratios are one quantity is told by the dimensions themselves).
_DIMENSION_WORDS = (({"[length]": 3}, "volume"), ({"[length]": 2}, "area"), ({"[length]": 1}, "length"),
                    ({"[mass]": 1}, "mass"), ({"[substance]": 1}, "amount of substance"))


def _dimension_words(dimensions: Mapping[str, float]) -> str:
    """``volume`` for ``{'[length]': 3}``, else the dimensions as pint writes them, in order
    (``[length] * [mass]``), so that one text stands for one set of dimensions."""
    for known, words in _DIMENSION_WORDS:
        if dict(dimensions) == known:
            return words
    return " * ".join(name if power == 1 else f"{name} ** {power:g}" for name, power in sorted(dimensions.items()))


def ratio_kind(numerator: Mapping[str, float], denominator: Mapping[str, float]) -> str:
    """A ratio of named units with the kinds of its numerator and its denominator
    (:func:`climann.data.units.ratio_dimensions`), as one text: two ratios are one kind exactly
    when their texts are equal.

    Parameters
    ----------
    numerator, denominator : mapping of str to float
        pint's base dimensions (``[length]``, ``[mass]``, ``[substance]``) and their powers.

    Returns
    -------
    str

    Examples
    --------
    >>> ratio_kind({"[length]": 3}, {"[length]": 3}), ratio_kind({"[mass]": 1}, {"[mass]": 1})
    ('a ratio of named units, volume per volume', 'a ratio of named units, mass per mass')
    """
    return f"{NAMED_RATIO}, {_dimension_words(numerator)} per {_dimension_words(denominator)}"


def _is_ratio(kind: str | None) -> bool:
    """Whether a kind (:func:`crosses_ratio`) is a ratio of named units, of whatever kinds."""
    return str(kind).startswith(NAMED_RATIO)


def _named_quantity(attrs: Mapping) -> str:
    """The CF standard name of a variable's attributes, lower case, an alias read as the name
    it stands for; ``""`` when it has none."""
    name = standard_name_of(attrs).lower()
    return current_standard_name(name) if name else ""


def crosses_ratio(kinds: tuple[str | None, str | None], attrs: Mapping, reference_attrs: Mapping | None) -> bool:
    """Whether a conversion turns one kind of dimensionless quantity into another without both
    sides naming one CF ``standard_name``: a ratio of named units into a pure number or back, or
    into a ratio of other kinds (a mass per mass into a volume per volume).

    Parameters
    ----------
    kinds : (str or None, str or None)
        :func:`climann.data.units.dimensionless_quantity` of the values' units and of those
        wanted (:data:`PURE_NUMBER`, :func:`ratio_kind`; :data:`NAMED_RATIO` for a ratio whose
        kinds are not told; None for units with a dimension).
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
    >>> mass, volume = ratio_kind({"[mass]": 1}, {"[mass]": 1}), ratio_kind({"[length]": 3}, {"[length]": 3})
    >>> crosses_ratio((mass, volume), {}, {}), crosses_ratio((mass, mass), {}, {})
    (True, False)
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
    own, theirs, why = described_kinds(units, to, kinds=kinds, attrs=attrs, reference_attrs=reference_attrs)
    return (f"'{name}' is in {own} in {where} but in {theirs} in {reference}: {why}, so its values are not {done}; "
            f"give '{name}' as {reference} has it, or, if its values really are that quantity, set its units ({fix})")


def described_kinds(units: str, to: str, *, kinds: tuple[str | None, str | None], attrs: Mapping,
                    reference_attrs: Mapping | None) -> tuple[str, str, str]:
    """The two sides of a conversion :func:`crosses_ratio` finds, described, and why they are
    not one quantity, for a refusal.

    A ratio beside a pure number is described as one (``'m3 m-3' (a ratio of named units)``),
    two ratios by their kinds, which differ (``'kg kg-1' (a ratio of named units, mass per
    mass)``); each with its ``standard_name`` and ``long_name`` when it has them.

    Parameters
    ----------
    units, to : str
        The two units.
    kinds : (str, str)
        Their kinds (:func:`crosses_ratio`).
    attrs, reference_attrs : mapping
        The attributes on each side (``reference_attrs`` None when unknown).

    Returns
    -------
    (str, str, str)
        ``units`` described, ``to`` described, and the reason.
    """
    both_ratios = all(_is_ratio(kind) for kind in kinds)
    shown = kinds if both_ratios else tuple(NAMED_RATIO if _is_ratio(kind) else kind for kind in kinds)
    return (_described(units, shown[0], attrs), _described(to, shown[1], reference_attrs or {}),
            _OTHER_RATIOS if both_ratios else _RATIO_AND_NUMBER)


#: Why a ratio of named units and a pure number are refused (:func:`ratio_refusal`).
_RATIO_AND_NUMBER = ("a pure number and a ratio of named units are not one quantity unless the same CF standard_name "
                     "says so (a percent of saturation is no volume fraction, a relative humidity no kg kg-1)")
#: Why ratios of different kinds are refused (:func:`ratio_refusal`).
_OTHER_RATIOS = ("ratios of named units of other kinds are not one quantity unless the same CF standard_name says so "
                 "(soil water by mass is its volume fraction only times the soil's bulk density over water's, a mole "
                 "fraction of ozone its mass mixing ratio times 28.96/48, and a leaf area per ground area no volume "
                 "fraction)")
