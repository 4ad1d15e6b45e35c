"""Concentrations per volume against per mass of their medium: the medium's density, said in the refusal.

An amount or a mass of a substance per volume of the medium that holds it (``mol m-3``, ``kg m-3``,
CMIP6's ``o2`` and ``talk``) and the same per mass of that medium (``µmol kg-1``, ``kg kg-1``: Argo-BGC,
GLODAP, a mass mixing ratio) differ by the medium's density ρ, which varies from sample to sample:

    per volume = per mass × ρ      (mol m-3 = µmol kg-1 × ρ / 1e6, ρ in kg m-3)

climann does not guess ρ, so such a pair is refused in one line (:func:`concentration_refusal`) that
names the medium, its density and where to get it, and gives the ``ncap2`` command that converts
the values with it:

- sea water (:data:`SEA_WATER`): about 1025 kg m-3 near the surface (1020 to 1028 over the
  world's surface waters, about 1050 at 5000 m: IOC, SCOR and IAPSO 2010, TEOS-10 manual), from
  each sample's salinity, temperature and pressure with TEOS-10's ``gsw.rho(SA, CT, p)``;
  the command uses 1025, good to about half a per cent near the surface;
- air (:data:`AIR`): ρ = p / (R_d T) of dry air (R_d = 287.05 J kg-1 K-1), about 1.2 kg m-3 at the
  surface and 0.4 at 250 hPa: no one number serves, so the command takes ``DENSITY``;
- a medium its attributes do not name: ``DENSITY``, with both media's.

A depth against a mass per area (``mm`` and ``kg m-2``) is the other pair that differs by a
density, that of what is deposited: liquid water's (converted, :mod:`climann.data.units`) or snow's
(refused there, :func:`climann.data.units._density_refusal`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from climann.data.shell import ncap2_name, values_command, xarray_data, xarray_values
from climann.data.standard_names import standard_name_of

__all__ = ["AIR", "SEA_WATER", "Medium", "concentration_refusal", "medium_of"]


@dataclass(frozen=True)
class Medium:
    """A medium that holds a substance, and what the refusal says of its density.

    Attributes
    ----------
    name : str
        ``"sea water"``.
    words : re.Pattern
        Words of a ``standard_name`` (read as words), ``long_name`` or variable name that say it.
    density : float or None
        The density (kg m-3) the command uses; None when no one value serves (air).
    about : str
        Its density and where to get it, for the message.
    """

    name: str
    words: re.Pattern
    density: float | None
    about: str


SEA_WATER = Medium(
    "sea water", re.compile(r"sea[\s_-]*water|seawater|\bocean", re.IGNORECASE), 1025.0,
    "about 1025 kg m-3 near the surface (1020 to 1028; about 1050 at 5000 m), or each sample's from its "
    "salinity, temperature and pressure with TEOS-10 (gsw.rho(SA, CT, p))")
AIR = Medium(
    "air", re.compile(r"\bin[\s_]+air\b|\bair\b|atmospher", re.IGNORECASE), None,
    "the air's at each value, ρ = p / (R_d T) with R_d = 287.05 J kg-1 K-1 (about 1.2 kg m-3 at the surface, "
    "0.4 at 250 hPa)")
#: The media looked for, in order (sea water first: "air" is no word of an ocean variable).
MEDIA = (SEA_WATER, AIR)


def medium_of(name: str, *attributes: Mapping) -> Medium | None:
    """The medium named by the variable's ``standard_name`` (read as words), ``long_name`` or
    name, in any of ``attributes`` (the new data's, the run's record); None when none is named.

    Examples
    --------
    >>> medium_of("o2", {"standard_name": "moles_of_oxygen_per_unit_mass_in_sea_water"}).name
    'sea water'
    >>> medium_of("x", {"long_name": "unknown"}) is None
    True
    """
    words = " ".join([name, *(f"{standard_name_of(attrs).replace('_', ' ')} {attrs.get('long_name', '')}"
                              for attrs in attributes if attrs)])
    return next((medium for medium in MEDIA if medium.words.search(words)), None)


def concentration_refusal(name: str, units: str, to: str, *, medium: Medium | None, per_mass: bool, factor: float,
                          where: str, reference: str, stored: str, files: str, standard_name: str | None = None
                          ) -> str:
    """The one-line refusal of ``name`` in ``units`` in ``where`` against ``to`` in ``reference``,
    one per volume and the other per mass of its medium: the formula, the medium's density, and
    the ``ncap2`` that converts ``stored`` (its name in its file) in a copy of ``files`` (``IN OUT``).

    Parameters
    ----------
    name : str
        The variable as read.
    units, to : str
        Its units in ``where`` and those of ``reference``.
    medium : Medium or None
        :func:`medium_of` the variable.
    per_mass : bool
        Whether ``units`` are the per-mass side (then the values are multiplied by ρ, else divided).
    factor : float
        ``to`` per ``units`` times (or over) 1 kg m-3: 1e-6 from ``µmol kg-1`` to ``mol m-3``.
    where, reference : str
        The files, and the data whose units are wanted (``"the model's training data"``).
    stored, files : str
        Its name in its file, and ``IN.nc OUT.nc`` for the command.
    standard_name : str, optional
        The reference's ``standard_name``, written too when it differs (a per-mass name is
        another quantity than a per-volume one in the CF table).

    Returns
    -------
    str
    """
    kinds = "an amount per mass against one per volume" if per_mass else "an amount per volume against one per mass"
    of = medium.name if medium is not None else "the medium it is in"
    density = "DENSITY" if medium is None or medium.density is None else f"{medium.density:g}"
    operator = "*" if per_mass else "/"
    rule = f"{to} = {units} {'×' if per_mass else '/'} ρ × {factor:g}"
    own = ncap2_name(stored)
    script = f'{own}={own}{operator}{density}*{factor:g}; {own}@units="{to}"'
    statements = [xarray_values(stored, f"{xarray_data(stored)} {operator} {density} * {factor:g}"),
                  f"d[{stored!r}].attrs['units'] = {to!r}"]
    if standard_name:
        script += f'; {own}@standard_name="{standard_name}"'
        statements.append(f"d[{stored!r}].attrs['standard_name'] = {standard_name!r}")
    about = (f"{medium.name}: {medium.about}" if medium is not None else
             f"for sea water {SEA_WATER.about}; for air {AIR.about}")
    way = (f"e.g. with {density} kg m-3" if density != "DENSITY" else "with that density in kg m-3 for DENSITY")
    return (f"'{name}' is in '{units}' in {where} but in '{to}' in {reference}: {kinds} of {of}, which convert only "
            f"through the density ρ of {of}, not known from the files ({rule}, ρ in kg m-3; {about}); "
            f"give '{name}' in {to}, {way} ({values_command([script], statements, files)})")
