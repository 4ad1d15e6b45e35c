"""A gas as a mole fraction (ppb) against the same gas as a mass concentration (µg m-3).

Air-quality networks give ozone or nitrogen dioxide either way: OpenAQ and US stations in ppb
(a mole fraction, a pure number), the EEA in µg m-3 (a mass per volume of air). Both units
parse, and pint finds them "a density apart" (ppb × kg m-3 is a mass per volume), which climann
explained as a depth of snow against a mass per area (break34a A2). They convert only through
the gas's molar mass M and the air's molar volume, which changes with its temperature and
pressure: at 20 °C and 1013.25 hPa, the convention of EU air-quality reporting (Directive
2008/50/EC, Annex VI), the molar volume R·T/p is 24.055 L mol-1, so

    µg m-3 = ppb × M / 24.055        (M in g mol-1)

and 1 ppb of ozone (M = 48.00 g mol-1) is 1.9957 µg m-3 as the EEA converts. climann does
not convert with an assumed temperature and pressure: it refuses in one line that says what the
two units are, gives this formula with its assumption and the command that applies it.

A mole fraction against a mass fraction (CAMS's ``co2`` in ``kg kg**-1`` against NOAA's in
``ppm``) is the same gas counted by molecules or by mass: pint reads both as pure numbers and
relabelled 400 ppm as 4e-4 kg kg-1, 1/1.519 of CO2's mass fraction (break57c A2). They convert
through the two molar masses alone, no temperature or pressure (WMO/GAW: mole fractions of dry
air),

    mass fraction = mole fraction × M(gas) / M(dry air)        (M(dry air) = 28.97 g mol-1)

which climann does not apply on its own either: it refuses with the command that converts a copy
when the gas is known (:func:`fraction_refusal`), with the formula alone when it is not. Mole
fractions among themselves (``ppm``, ``umol mol-1``, ``mol mol-1``: ppm of a gas IS µmol mol-1)
convert as their units say (:func:`fraction_kind`; break57c A3).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from climann.data.shell import ncap2_name, values_command, xarray_data, xarray_values
from climann.data.standard_names import standard_name_of
from climann.data.unit_ratios import ratio_kind

__all__ = [
    "DRY_AIR_MOLAR_MASS", "MOLAR_MASSES", "MOLAR_VOLUME", "fraction_gas", "fraction_kind", "fraction_refusal",
    "is_mole_fraction_units", "mole_fraction_refusal",
]

#: The molar volume of air (L mol-1) at 20 °C and 1013.25 hPa: R·T/p = 8.314462618 × 293.15 / 101325 m3.
MOLAR_VOLUME = 24.055

#: Molar masses (g mol-1) of the gases air-quality files give both ways, by the word of their CF
#: standard names (``mass_concentration_of_ozone_in_air``, ``mole_fraction_of_ozone_in_air``).
MOLAR_MASSES = {
    "ozone": 48.00,
    "nitrogen_dioxide": 46.01,
    "nitrogen_monoxide": 30.01,
    "sulfur_dioxide": 64.07,
    "carbon_monoxide": 28.01,
    "ammonia": 17.03,
    "benzene": 78.11,
    "methane": 16.04,
    "carbon_dioxide": 44.01,
}

#: The molar mass of dry air (g mol-1), of the WMO's dry-air mole fractions: a mole fraction of a
#: gas is its mass fraction times this over the gas's molar mass.
DRY_AIR_MOLAR_MASS = 28.97

#: The EEA's own factors (µg m-3 per ppb at 20 °C, 1013.25 hPa) where they are published so.
EEA_FACTORS = {"ozone": 1.9957}

#: Names of the gases as variables are often called (``o3`` in OpenAQ and the EEA's files).
_SHORT_NAMES = {"o3": "ozone", "no2": "nitrogen_dioxide", "no": "nitrogen_monoxide", "so2": "sulfur_dioxide",
                "co": "carbon_monoxide", "nh3": "ammonia", "c6h6": "benzene", "ch4": "methane", "co2": "carbon_dioxide",
                # CAMS's short names (EAC4 ``go3``)
                "go3": "ozone"}

#: Units a mole fraction is written in: ppb, ppm, ppt and their "by volume" spellings, mol mol-1 with a prefix.
_MOLE_FRACTION_UNITS = re.compile(r"\s*(pp[mbt]v?|(micro|nano|pico|milli|femto|µ|μ|[munpf])?mol\s*"
                                  r"(mol-1|mol\^-1|mol\*\*-1|/\s*mol)|1e-0?[69]|1e-12)\s*", re.IGNORECASE)

#: The parts-per spellings, a mole fraction of a gas by the WMO's convention whatever else is said.
_PARTS_PER = re.compile(r"\s*pp[mbt]v?\s*", re.IGNORECASE)

#: The kinds of ratio (:func:`climann.data.unit_ratios.ratio_kind`) of ``mol mol-1`` and of ``kg kg-1``.
_AMOUNT_PER_AMOUNT = ratio_kind({"[substance]": 1}, {"[substance]": 1})
_MASS_PER_MASS = ratio_kind({"[mass]": 1}, {"[mass]": 1})

#: A CF standard name of a gas's fraction in air: ``mole_fraction_of_ozone_in_air``.
_FRACTION_NAME = re.compile(r"(mole|mass)_fraction_of_(\w+_in_air)")


def is_mole_fraction_units(units: str) -> bool:
    """Whether ``units`` is a spelling of a mole fraction: ppb, ppm, ppt and their "by volume"
    forms, ``mol mol-1`` with a prefix, or the pure numbers 1e-6, 1e-9, 1e-12."""
    return _MOLE_FRACTION_UNITS.fullmatch(str(units)) is not None


def gas_of(name: str, attrs: Mapping) -> str | None:
    """The gas a variable holds, a key of :data:`MOLAR_MASSES`, from its CF standard name
    (``…_of_ozone_in_air``) or its name (``o3``); None if not known."""
    standard_name = str(attrs.get("standard_name", ""))
    found = re.fullmatch(r"(mass_concentration|mole_fraction|mass_fraction)_of_(\w+)_in_air", standard_name.strip())
    if found and found.group(2) in MOLAR_MASSES:
        return found.group(2)
    return _SHORT_NAMES.get(name.strip().lower())


def _other_standard_name(attrs: Mapping) -> str | None:
    """The CF standard name of the same gas the other way: ``mass_concentration_of_ozone_in_air``
    ↔ ``mole_fraction_of_ozone_in_air``; None for any other name."""
    standard_name = str(attrs.get("standard_name", "")).strip()
    found = re.fullmatch(r"(mass_concentration|mole_fraction)_of_(\w+_in_air)", standard_name)
    if found is None:
        return None
    other = "mole_fraction" if found.group(1) == "mass_concentration" else "mass_concentration"
    return f"{other}_of_{found.group(2)}"


def ugm3_per_ppb(gas: str) -> float:
    """µg m-3 per ppb of ``gas`` at 20 °C and 1013.25 hPa: the EEA's factor where it publishes
    one, else M / :data:`MOLAR_VOLUME`."""
    return EEA_FACTORS.get(gas, MOLAR_MASSES[gas] / MOLAR_VOLUME)


def _scale(units: str, to: str, factor: float, step: Callable[[str, str], float]) -> float:
    """The number that takes values in ``units`` to ``to`` through ``factor`` µg m-3 per ppb
    (``step``: the factor between two units of one kind, from pint)."""
    if is_mole_fraction_units(units):
        return step(units, "ppb") * factor * step("ug m-3", to)
    return step(units, "ug m-3") / factor * step("ppb", to)


def mole_fraction_refusal(name: str, attrs: Mapping, units: str, to: str, *, where: str, reference: str,
                          stored: str, files: str, step: Callable[[str, str], float]) -> str:
    """The one-line refusal of a gas in ``units`` in ``where`` against ``to`` in ``reference``,
    one a mole fraction and the other a mass concentration: what they are, the formula and its
    assumption (20 °C, 1013.25 hPa), and the ``ncap2`` that converts ``stored`` (the variable's
    name in its file) in a copy of ``files`` (``IN OUT``) when the gas is known.

    Parameters
    ----------
    name : str
        The variable as read.
    attrs : mapping
        Its attributes (``standard_name``).
    units, to : str
        Its units in ``where`` and those of ``reference``.
    where, reference : str
        The files, and the data whose units are wanted (``"the model's training data"``).
    stored, files : str
        Its name in its file, and ``IN.nc OUT.nc`` for the command.
    step : callable
        ``step(source, destination)``: the factor between two units of one kind (pint's), e.g.
        1000 from ``ppm`` to ``ppb``.

    Returns
    -------
    str
    """
    kinds = "a mole fraction against a mass concentration" if is_mole_fraction_units(units) \
        else "a mass concentration against a mole fraction"
    gas = gas_of(name, attrs)
    rule = (f"which convert only through the gas's molar mass M and the air's molar volume, which depends on its "
            f"temperature and pressure, not known from the files: at 20 °C and 1013.25 hPa (the EU air-quality "
            f"convention) µg m-3 = ppb × M / {MOLAR_VOLUME:g} (M in g mol-1)")
    if gas is None:
        return (f"'{name}' is in '{units}' in {where} but in '{to}' in {reference}: {kinds}, {rule}; give '{name}' in "
                f"{to}, converted with its gas's M under that assumption if it holds for these data")
    factor = ugm3_per_ppb(gas)
    said = (f"{gas.replace('_', ' ')}: M = {MOLAR_MASSES[gas]:.2f} g mol-1, 1 ppb = {factor:.5g} µg m-3"
            + (" as the EEA converts" if gas in EEA_FACTORS else ""))
    scale = _scale(units, to, factor, step)
    command = _scaled_copy_command(stored, f"{scale:.6g}", to, _other_standard_name(attrs), files)
    return (f"'{name}' is in '{units}' in {where} but in '{to}' in {reference}: {kinds}, {rule} ({said}); if that "
            f"assumption holds for these data, give '{name}' in {to}: {command}")


def _scaled_copy_command(stored: str, factor: str, to: str, standard_name: str | None, files: str) -> str:
    """The line (:func:`~climann.data.shell.values_command`: ncap2 for a file, xarray for a
    store) that writes a copy of ``files`` whose variable ``stored`` (its name in the file) is
    multiplied by ``factor`` (as shown), in units ``to``, under ``standard_name`` when given."""
    own = ncap2_name(stored)
    relabel = f'; {own}@standard_name="{standard_name}"' if standard_name else ""
    return values_command([f'{own}={own}*{factor}; {own}@units="{to}"{relabel}'],
                          [xarray_values(stored, f"{xarray_data(stored)} * {factor}"),
                           f"d[{stored!r}].attrs['units'] = {to!r}",
                           *([f"d[{stored!r}].attrs['standard_name'] = {standard_name!r}"] if standard_name else [])],
                          files)


def fraction_kind(units: str, kind: str | None, attrs: Mapping) -> str | None:
    """Whether values in ``units`` are a mole fraction (``"mole"``) or a mass fraction (``"mass"``).

    A mole fraction: units of an amount of substance per amount of substance (``mol mol-1``,
    ``umol/mol``, ``micromol mol-1``), a parts-per spelling (``ppm``, ``ppbv``: the WMO's), or
    another of :func:`is_mole_fraction_units`' spellings (``1e-6``) whose CF standard name says
    ``mole_fraction_of_…``; a mass fraction: units of a mass per mass (``kg kg-1``, ``g/kg``).

    Parameters
    ----------
    units : str
        A ``units`` attribute.
    kind : str or None
        :func:`climann.data.units.dimensionless_quantity` of it.
    attrs : mapping
        The variable's attributes (``standard_name``).

    Returns
    -------
    {"mole", "mass"} or None

    Examples
    --------
    >>> fraction_kind("ppm", "a pure number", {}), fraction_kind("kg kg-1", _MASS_PER_MASS, {})
    ('mole', 'mass')
    """
    named = standard_name_of(attrs).strip().startswith("mole_fraction_of_")
    if kind == _AMOUNT_PER_AMOUNT or _PARTS_PER.fullmatch(str(units)) or (is_mole_fraction_units(units) and named):
        return "mole"
    return "mass" if kind == _MASS_PER_MASS else None


def fraction_gas(name: str, attrs: Mapping, reference_attrs: Mapping) -> str | None:
    """The gas (a key of :data:`MOLAR_MASSES`) a variable holds, by its own standard name or name
    (:func:`gas_of`), else by the standard name its reference records; None if neither says."""
    return gas_of(name, attrs) or gas_of(name, {"standard_name": standard_name_of(reference_attrs)})


def _other_fraction_name(attrs: Mapping) -> str | None:
    """``mass_fraction_of_X_in_air`` for a ``mole_fraction_of_X_in_air`` and back; None for any other name."""
    found = _FRACTION_NAME.fullmatch(standard_name_of(attrs).strip())
    if found is None:
        return None
    return f"{'mass' if found.group(1) == 'mole' else 'mole'}_fraction_of_{found.group(2)}"


def fraction_refusal(name: str, attrs: Mapping, gas: str | None, units: str, to: str, *, into_mass: bool,
                     scale: float, where: str, reference: str, stored: str = "", files: str = "") -> str:
    """The one-line refusal of a gas as a mole fraction against the same as a mass fraction (or
    the reverse): what each is, the formula (× M(gas) / M(dry air)), and for a known ``gas`` the
    ``ncap2`` (a Python line for a Zarr store) that converts ``stored`` in a copy of ``files``
    and sets its units, and its standard name when it names the other fraction.

    Parameters
    ----------
    name : str
        The variable as read.
    attrs : mapping
        Its attributes (``standard_name``).
    gas : str or None
        :func:`fraction_gas`; None gives the formula without a command.
    units, to : str
        Its units in ``where`` and those of ``reference``.
    into_mass : bool
        Whether ``units`` are the mole fraction and ``to`` the mass fraction.
    scale : float
        pint's factor from ``units`` to ``to`` (``ppm`` to ``kg kg-1``: 1e-6), which counts them one quantity.
    where, reference : str
        The files, and the data whose units are wanted (``"the model's training data"``).
    stored, files : str
        Its name in its file, and ``IN.nc OUT.nc`` for the command (when ``gas`` is known).

    Returns
    -------
    str
    """
    kinds = ("a mole fraction", "a mass fraction") if into_mass else ("a mass fraction", "a mole fraction")
    said = (f"'{name}' is in '{units}' ({kinds[0]}) in {where} but in '{to}' ({kinds[1]}) in {reference}: a mass "
            f"fraction of a gas is its mole fraction times the gas's molar mass M over dry air's "
            f"({DRY_AIR_MOLAR_MASS:g} g mol-1), so its values are not relabelled")
    if gas is None:
        return (f"{said}; which gas '{name}' is is told neither by its name nor by a standard_name "
                f"(mole_fraction_of_GAS_in_air): give '{name}' in {to}, converted with its gas's M "
                f"({'×' if into_mass else '÷'} M / {DRY_AIR_MOLAR_MASS:g})")
    ratio = MOLAR_MASSES[gas] / DRY_AIR_MOLAR_MASS
    factor = scale * (ratio if into_mass else 1 / ratio)
    command = _scaled_copy_command(stored, f"{factor:.7g}", to, _other_fraction_name(attrs), files)
    return (f"{said} ({gas.replace('_', ' ')}: M = {MOLAR_MASSES[gas]:.2f} g mol-1, × {ratio:.4g} from mole to mass "
            f"fraction); give '{name}' in {to}: {command}")
