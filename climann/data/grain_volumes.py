"""Crop yields in bushels: a dry volume of grain, whose mass is the crop's, not a depth of water.

USDA's NASS reports yields in bushels per acre (``bu/acre``). A bushel is a volume (the US
bushel, 2150.42 cubic inches, 35.239 L), so a units library reads ``bu/acre`` as a volume per
area, a length: 1 bu/acre = 0.0087 mm. Against a mass per area (``t/ha``, ``kg ha-1``: GDHY's
yields) it then looks like a depth of water, and water's 1000 kg m-3 would make 1 bu/acre
0.0871 t/ha (break43d A6: yields 29.5 % too high, MSE 4.57 in place of 1.023 (t/ha)²). What a
bushel of grain weighs is set per crop by its standard test weight (USDA ERS, "Weights,
Measures, and Conversion Factors for Agricultural Commodities and Their Products", Agricultural
Handbook No. 697, 1992): 56 lb for shelled maize (corn), sorghum and rye, 60 lb for wheat and
soybeans, 48 lb for barley, 45 lb for rough rice, 32 lb for oats (:data:`TEST_WEIGHTS_LB`); 1 bu/acre
of maize is 56 lb/acre, 0.06277 t/ha, of wheat or soybeans 0.06725 t/ha.

So a bushel is never converted to or from a mass here (:func:`bushel_against_mass`): the
refusal (:func:`bushel_refusal_text`) names the test weights and gives the line that multiplies
by the crop's factor, filled in when the variable or its files name one crop
(:func:`crop_of`: ``maize/yield_1982.nc``), and the factor of each crop. Yields in bushels on
both sides (``bu/acre`` and ``bu/ha``) convert as volumes, and a run trained in ``bu/acre`` on
data in ``bu/acre`` converts nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: The standard test weight of a US bushel of each crop, in pounds (USDA ERS Agricultural Handbook
#: No. 697, 1992, table 1): the mass a yield in bushels stands for.
TEST_WEIGHTS_LB = {"maize": 56.0, "sorghum": 56.0, "rye": 56.0, "wheat": 60.0, "soybeans": 60.0, "barley": 48.0,
                   "rice": 45.0, "oats": 32.0}

#: The words that name each crop of :data:`TEST_WEIGHTS_LB` in a variable's name, long name or files.
CROP_WORDS = {"maize": ("maize", "corn"), "sorghum": ("sorghum", "milo"), "rye": ("rye",),
              "wheat": ("wheat", "winterwheat", "springwheat"), "soybeans": ("soybean", "soybeans", "soy", "soya"),
              "barley": ("barley",), "rice": ("rice", "paddy"), "oats": ("oat", "oats")}

#: The crops said together where they share a test weight.
_SHARED = (("maize", "sorghum", "rye"), ("wheat", "soybeans"), ("barley",), ("rice",), ("oats",))


def names_bushels(units: object) -> bool:
    """Whether pint units (of a parsed quantity: ``parse_units('bu/acre').units``) hold a bushel."""
    return any("bushel" in str(unit) for unit in getattr(units, "_units", {}))


def bushel_against_mass(source: object, destination: object) -> int:
    """Whether two parsed quantities (:func:`climann.data.units.parse_units`) differ by a bushel
    against a mass: +1 when ``source`` is in bushels and ``destination`` a mass without them
    (``bu/acre`` against ``t/ha``), -1 the other way round, 0 otherwise (bushels on both sides,
    or no mass on the other: volumes convert as volumes)."""
    bushels = names_bushels(source.units), names_bushels(destination.units)
    masses = ("[mass]" in source.dimensionality, "[mass]" in destination.dimensionality)
    if bushels == (True, False) and masses == (False, True):
        return 1
    if bushels == (False, True) and masses == (True, False):
        return -1
    return 0


def crop_of(texts: Sequence[str]) -> str | None:
    """The one crop of :data:`TEST_WEIGHTS_LB` that ``texts`` (a variable's name, long name,
    standard name, its files' paths) name as a word, or None (none, or several)."""
    words = set(re.split(r"[^a-z]+", " ".join(texts).lower()))
    found = {crop for crop, names in CROP_WORDS.items() if words & set(names)}
    return found.pop() if len(found) == 1 else None


def crop_factor(source: object, destination: object, crop: str) -> float:
    """The factor that takes values in ``source``'s units to ``destination``'s for ``crop``: the
    bushel side's bushels weighed at the crop's test weight (:data:`TEST_WEIGHTS_LB`).

    Parameters
    ----------
    source, destination : pint.Quantity
        Parsed units (:func:`climann.data.units.parse_units`), one of them in bushels, the other
        a mass (:func:`bushel_against_mass`).
    crop : str
        A key of :data:`TEST_WEIGHTS_LB`.

    Returns
    -------
    float
        ``0.06277`` for maize from ``bu/acre`` to ``t/ha`` (56 lb · 0.45359237 kg/lb / 4046.856 m²).
    """
    weight = source._REGISTRY.Quantity(TEST_WEIGHTS_LB[crop], "lb / bushel")
    side = bushel_against_mass(source, destination)
    weighed = source * weight if side > 0 else source / weight
    return float(weighed.to(destination.units).magnitude) / float(destination.magnitude)


def bushel_refusal_text(name: str, units: str, to: str, *, where: str, reference: str, crop: str | None,
                        factors: dict[str, float], line: str) -> str:
    """The one-line refusal of ``units`` in bushels against ``to``, a mass (or the other way
    round): what a bushel is, the test weights, each crop's factor, and ``line``, the command
    that multiplies by the crop's factor (``FACTOR`` when no one crop is named) and sets ``to``."""
    each = ", ".join(f"{' or '.join(crops)} {factors[crops[0]]:.4g}" for crops in _SHARED)
    weights = ", ".join(f"{TEST_WEIGHTS_LB[crops[0]]:g} lb {' and '.join(crops)}" for crops in _SHARED)
    chosen = (f"for {crop}, named by '{name}' or its files: {factors[crop]:.4g}" if crop is not None
              else "the crop's factor for FACTOR")
    return (f"'{name}' is in '{units}' in {where} but in '{to}' in {reference}: a bushel is a dry volume of grain "
            f"(35.24 L), not a depth, and what it weighs is the crop's standard test weight (USDA ERS Agricultural "
            f"Handbook 697: {weights}), so it converts to a mass only through the crop; multiply by the crop's factor "
            f"from '{units}' to '{to}' ({each}), {chosen}: {line}")
