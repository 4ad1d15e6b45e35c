"""What an amount in a units string is of: ``mmol N m-3``, ``mg C m-2 d-1``, ``mol O2 m-3``.

Ocean and land biogeochemistry write the element or compound that a mass or an amount of
substance is of right after it, as a label: NEMO-PISCES and MEDUSA ``mmol N m-3``, GLODAP
``umol C kg-1``, MODIS and TRENDY ``g C m-2 yr-1``, Argo and WOA ``mol O2 m-3``. No unit:
UDUNITS cannot read them, and pint (with cf_xarray's registry) read the label as a unit of
its own, ``N`` a newton, ``C`` a Celsius degree, ``P`` a poise, ``S`` a siemens, and ``O2``
not at all. Conversions then happened to give the right factor where both sides held the
same misread label, and were refused as "does not convert" where one side left it out
(``mmol N m-3`` against ``mmol m-3``), or as unreadable (``mol O2 m-3``).

Here a label written after an amount (:data:`AMOUNT_LABELS`, after a mass or an amount of
substance written apart: :data:`LABEL_AFTER_AMOUNT`) is read as what it is, a dimension of
its own (pint's ``of_nitrogen``, dimension ``[of_nitrogen]``) that multiplies the amount:

- amounts of one label convert by their units alone (``mg C m-2 d-1`` to ``g C m-2 yr-1``,
  ``mmol N m-3`` to ``umol N L-1``, a factor 1);
- amounts of two labels (``mmol N m-3`` and ``mmol C m-3``) are refused in one line
  (:func:`label_conversion`): no unit converts nitrogen into carbon (a Redfield ratio is a
  model, not a unit);
- a label on one side only (``mmol N m-3`` and ``mmol m-3``, ``kg C m-2 s-1`` and CMIP6's
  ``kg m-2 s-1`` of ``…_expressed_as_carbon``) is read as the same substance, as CF writes
  it (the substance in the ``standard_name``, not the units), and the conversion's warning
  says so;
- a mass and an amount of substance of one label (``mg N m-3`` and ``mmol N m-3``) differ by
  a molar mass, which climann does not assume: refused, the refusal saying why
  (:func:`molar_mass_note`).

Only the labels of :data:`AMOUNT_LABELS` are read, and only right after a mass or an amount of
substance: ``C`` alone stays HadISST's degree Celsius, ``J kg-1 K-1`` a heat capacity. The label
may be glued to the amount, as FLUXCOM, MODIS MOD17 and GFED write carbon (``gC m-2 d-1``,
``kgC/m^2/8day``, ``PgC yr-1``) and ocean-colour products chlorophyll (``mgChl/m3``): the same
label, read the same way (``gC`` is ``g C``); and chlorophyll, a pigment (NEMO-PISCES' and
OC-CCI's ``mg Chl m-3``, ``mg chl a m-3``, ``mg chlorophyll m-3``; any case), is one label,
``Chl``, however it is spelled (:data:`PIGMENT`). Before (fix44c), glued labels and ``Chl``
were unreadable: warned, advised to be left out of the units, and two files of one variable
in ``mg Chl m-3`` and ``mgChl/m3`` (or ``mgC`` and ``gC``) refused.

Sources: CF conventions 1.11 §3.1 and the standard name table (``mole_concentration_of_
nitrate_in_sea_water``, ``…_expressed_as_carbon``: the substance is named in the standard
name); UDUNITS-2's grammar (a product of units separated by blanks).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from climann.errors import ClimannError

#: The elements and compounds that biogeochemistry files write after an amount (the label as
#: written → the word pint's unit is named by, ``of_<word>``). Symbols that are also units
#: after an amount in other fields are left out: ``K`` (kelvin: ``J kg-1 K-1``), ``Mg`` (a
#: megagram), ``H`` (a henry), ``F`` (a farad), ``V`` (a volt), ``W`` (a watt).
AMOUNT_LABELS: Mapping[str, str] = {
    "C": "carbon", "N": "nitrogen", "P": "phosphorus", "Si": "silicon", "Fe": "iron", "O": "oxygen",
    "S": "sulfur", "Ca": "calcium", "Mn": "manganese", "Zn": "zinc", "Cu": "copper", "Co": "cobalt",
    "Cd": "cadmium", "Al": "aluminium", "Ba": "barium",
    "O2": "dioxygen", "CO2": "carbon_dioxide", "CH4": "methane", "N2O": "nitrous_oxide", "NO3": "nitrate",
    "NO2": "nitrite", "NH4": "ammonium", "PO4": "phosphate", "SiO2": "silica", "CaCO3": "calcium_carbonate",
    "CO3": "carbonate", "HCO3": "bicarbonate", "Chl": "chlorophyll",
}

#: Chlorophyll as files spell it after a mass (any case; ``a`` after a blank, a hyphen or an
#: underscore, or glued): ``Chl``, ``chl a``, ``Chl-a``, ``CHLA``, ``chlorophyll``: all the label ``Chl``.
PIGMENT = r"(?i:chl(?:orophyll)?(?:[-_ ]?a)?)"

#: pint's name of each label's unit (``of_nitrogen``) → the label as files write it (``N``).
LABEL_OF_UNIT: Mapping[str, str] = {f"of_{word}": label for label, word in AMOUNT_LABELS.items()}

#: A mass (``pg`` … ``Pg``, ``t``, ``Mt``, ``Gt``) or an amount of substance (``pmol`` … ``kmol``)
#: with no exponent, a blank (or ``*``, ``·``, or nothing: glued) and one of :data:`AMOUNT_LABELS`
#: (chlorophyll as :data:`PIGMENT` spells it), which no letter, digit, exponent or power sign
#: follows (``mmol N m-3``, ``mg C/m2/d``, ``gC m-2 d-1``, ``mgChl/m3``; not ``g K-1``, ``gCm-2``).
LABEL_AFTER_AMOUNT = re.compile(
    r"(?<![\w.])(?P<amount>[pnuµμmk]?mol|[pnuµμmkMGTP]?g|[kMG]?t)(?P<between>\s+|\s*[*·]\s*|)"
    rf"(?:(?P<pigment>{PIGMENT})|(?P<label>"
    rf"{'|'.join(sorted(map(re.escape, set(AMOUNT_LABELS) - {'Chl'}), key=len, reverse=True))}))"
    r"(?![\w^]|\*\*|[-+]?\d)")

#: pint definitions of the labels' units, each a dimension of its own (added to the registry once).
LABEL_DEFINITIONS = tuple(f"of_{word} = [of_{word}]" for word in AMOUNT_LABELS.values())


def labels_as_units(text: str) -> str:
    """``text`` with each label after an amount (:data:`LABEL_AFTER_AMOUNT`) written as its
    unit, ``of_<word>`` (a registry preprocessor, run before cf_xarray's exponents).

    Examples
    --------
    >>> labels_as_units("mmol N m-3"), labels_as_units("mol O2 m-3"), labels_as_units("C")
    ('mmol of_nitrogen m-3', 'mol of_dioxygen m-3', 'C')
    >>> labels_as_units("J kg-1 K-1"), labels_as_units("g C/m2/d")
    ('J kg-1 K-1', 'g of_carbon/m2/d')
    >>> labels_as_units("gC m-2 d-1"), labels_as_units("mg chl a m-3")
    ('g of_carbon m-2 d-1', 'mg of_chlorophyll m-3')
    """
    def as_unit(found: re.Match) -> str:
        label = "Chl" if found["pigment"] else found["label"]
        return f"{found['amount']}{found['between'] or ' '}of_{AMOUNT_LABELS[label]}"

    return LABEL_AFTER_AMOUNT.sub(as_unit, text)


def labels_of(unit) -> dict[str, float]:
    """The labels in a pint unit and their powers (``{"N": 1}`` for ``mmol N m-3``)."""
    import pint.util

    return {LABEL_OF_UNIT[name]: float(power) for name, power in pint.util.to_units_container(unit).items()
            if name in LABEL_OF_UNIT}


def _without_labels(quantity, registry):
    """``quantity`` (scale times unit) with its labels' units divided out (``registry``: the one it was read in)."""
    unit = quantity.units
    for label, power in labels_of(unit).items():
        unit = unit / registry.Unit(f"of_{AMOUNT_LABELS[label]}") ** power
    return registry.Quantity(quantity.magnitude, unit)


def _named(labels: Mapping[str, float]) -> str:
    return " and ".join(sorted(labels))


def label_conversion(source, destination, units: str, to: str, *, variable: str, where: str,
                     reference: str, registry) -> tuple[object, object, str]:
    """``source`` and ``destination`` (parsed units: :func:`climann.data.units.parse_units`)
    made comparable for a conversion, and what that assumed ("" for nothing).

    Parameters
    ----------
    source, destination : pint.Quantity
        The units ``units`` (of the values, in ``where``) and ``to`` (wanted, from
        ``reference``) as read.
    units, to, variable, where, reference : str
        As written and where from, for the message and the assumption.
    registry : pint.UnitRegistry
        The registry they were read in (:func:`climann.data.units.unit_registry`).

    Returns
    -------
    tuple
        ``(source, destination, assumption)``: unchanged with ``""`` when both name the same
        labels (or none); both without labels and an assumption when one side only names
        one (the same substance: CF names it in the ``standard_name``).

    Raises
    ------
    ClimannError
        When both name labels and they differ (amounts of nitrogen and of carbon).
    """
    mine, theirs = labels_of(source.units), labels_of(destination.units)
    if mine == theirs:
        return source, destination, ""
    if mine and theirs:
        factor = carbon_factor(source, destination, registry)
        carbon = "" if factor is None else (
            f"; a carbon flux counts one C atom per CO2 molecule (FLUXNET's daily files: 1 umolCO2 m-2 s-1 = "
            f"{CARBON_MOLAR_MASS}e-6 * 86400 gC m-2 d-1): multiply '{variable}' by {factor:.10g} and give it units "
            f"'{str(to).strip()}': `ncap2 -s '{variable}={variable}*{factor:.10g};"
            f"{variable}@units=\"{str(to).strip()}\"' IN.nc OUT.nc`")
        raise ClimannError(
            f"'{variable}' is in '{units}' in {where} but in '{to}' in {reference}: amounts of {_named(mine)} and of "
            f"{_named(theirs)}, which no unit converts into each other (the label after the amount says what it is "
            f"of); give '{variable}' as amounts of {_named(theirs)} ({str(to).strip()}), or check that it is the "
            f"same variable{carbon}")
    named = units if mine else to
    assumption = (f"read as amounts of {_named(mine or theirs)}, as '{str(named).strip()}' says (a substance named "
                  "in one side's units only)")
    return _without_labels(source, registry), _without_labels(destination, registry), assumption


#: The molar mass of carbon, g mol-1 (IUPAC standard atomic weight, conventional value 12.011):
#: FLUXNET converts its carbon fluxes so (1 umolCO2 m-2 s-1 = 12.011e-6 * 86400 gC m-2 d-1).
CARBON_MOLAR_MASS = 12.011


def carbon_factor(source, destination, registry) -> float | None:
    """The factor from amounts of CO2 to amounts of C (or back) when one unit is labelled ``CO2``
    and the other ``C``, each to the power 1: one C atom per CO2 molecule, so a mol of CO2 holds a
    mol of C, :data:`CARBON_MOLAR_MASS` g of it; a mass of CO2 is left alone (None: its molar mass
    is another's). None for other labels.

    Parameters
    ----------
    source, destination : pint.Quantity
        Parsed units (``umol CO2 m-2 s-1``, ``g C m-2 d-1``).
    registry : pint.UnitRegistry

    Returns
    -------
    float or None

    Examples
    --------
    ``umolCO2 m-2 s-1`` to ``gC m-2 d-1``: 12.011e-6 * 86400 = 1.0377504.
    """
    import pint

    labels = (labels_of(source.units), labels_of(destination.units))
    if {tuple(each.items()) for each in labels} != {(("CO2", 1.0),), (("C", 1.0),)}:
        return None
    if "[mass]" in (source if "CO2" in labels[0] else destination).dimensionality:
        return None
    mine, theirs = _without_labels(source, registry), _without_labels(destination, registry)
    molar = registry.Quantity(CARBON_MOLAR_MASS, "g / mol")
    for scaled in (mine, mine * molar, mine / molar):
        try:
            return float(scaled.to(theirs.units).magnitude / theirs.magnitude)
        except pint.DimensionalityError:
            continue
    return None


def molar_mass_note(source, destination) -> str:
    """``"; a mass of N and an amount of substance of N …"`` when ``source`` and ``destination``
    (parsed units) name one label and are a mass and an amount of substance (``mg N m-3`` and
    ``mmol N m-3``); ``""`` otherwise."""
    mine, theirs = labels_of(source.units), labels_of(destination.units)
    if not mine or mine != theirs:
        return ""
    kinds = {"[mass]" in source.dimensionality, "[mass]" in destination.dimensionality}
    moles = {"[substance]" in source.dimensionality, "[substance]" in destination.dimensionality}
    if kinds != {True, False} or moles != {True, False}:
        return ""
    return (f"; a mass of {_named(mine)} and an amount of substance (mol) of {_named(mine)} differ by its molar "
            "mass, which climann does not assume: convert the values in a copy of the file")
