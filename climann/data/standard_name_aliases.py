"""Aliases of the CF standard name table: older names that stand for a current one.

The table renames a standard name by keeping the old one as an ``<alias>`` of the new
(CF conventions 1.8 §3.3; the table's ``<alias id="OLD"><entry_id>NEW</entry_id></alias>``):
CMIP5's ``psl`` is ``air_pressure_at_sea_level``, CMIP6's ``air_pressure_at_mean_sea_level``,
one quantity; CMIP5's ``mrso`` ``soil_moisture_content``, CMIP6's
``mass_content_of_water_in_soil``. climann reads an alias as the name it stands for before
comparing two names (:func:`climann.data.quantities.quantity_clash`).

The pairs are kept in ``cf_standard_name_aliases.txt`` beside this module (its header names
the table's version and address), written from the table's XML by :func:`alias_table_text`::

    python -m climann.data.standard_name_aliases cf-standard-name-table.xml \
        > climann/data/cf_standard_name_aliases.txt

An alias of several names (``surface_carbon_dioxide_mole_flux``: the upward and the downward
flux, of opposite signs) stands for none of them alone and is left out: it stays another
name. An alias of an alias is written as the current name it leads to; v93's alias of itself
(``integral_wrt_depth_of_sea_water_potential_temperature_expressed_as_heat_content``) is left
out.
"""

from __future__ import annotations

import functools
import importlib.resources
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

__all__ = ["alias_table_text", "current_standard_name", "standard_name_aliases"]

#: The file of alias pairs in the package: comment lines (``#``), then ``ALIAS NAME`` a line.
ALIAS_FILE = "cf_standard_name_aliases.txt"

#: Where the table of a version is published.
TABLE_ADDRESS = "https://cfconventions.org/Data/cf-standard-names/{version}/src/cf-standard-name-table.xml"


@functools.lru_cache(maxsize=1)
def standard_name_aliases() -> dict[str, str]:
    """``{alias: current standard name}`` of the CF standard name table (593 of v93's 595
    aliases), read once from :data:`ALIAS_FILE`."""
    text = importlib.resources.files(__package__).joinpath(ALIAS_FILE).read_text(encoding="utf-8")
    pairs = (line.split() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {alias: name for alias, name in pairs}


def current_standard_name(name: str) -> str:
    """The standard name ``name`` stands for: itself, or the name it is an alias of.

    Examples
    --------
    >>> current_standard_name("air_pressure_at_sea_level")
    'air_pressure_at_mean_sea_level'
    >>> current_standard_name("air_temperature")
    'air_temperature'
    """
    return standard_name_aliases().get(name, name)


def alias_table_text(xml_path: str | Path) -> str:
    """The text of :data:`ALIAS_FILE` from the CF standard name table's XML.

    Parameters
    ----------
    xml_path : str or Path
        ``cf-standard-name-table.xml`` (as published at :data:`TABLE_ADDRESS`).

    Returns
    -------
    str
        A header naming the table's version, its date and address, then ``ALIAS NAME`` a
        line, sorted; an alias of several names left out, an alias of an alias resolved.
    """
    root = ElementTree.parse(xml_path).getroot()
    version = root.findtext("version_number", "").strip()
    targets = {alias.get("id"): [entry.text.strip() for entry in alias.findall("entry_id")]
               for alias in root.findall("alias")}
    single = {alias: names[0] for alias, names in targets.items() if len(names) == 1}
    pairs = []
    for alias in sorted(single):
        name, seen = single[alias], {alias}
        while name in single and name not in seen:  # an alias of an alias: the name it leads to
            seen.add(name)
            name = single[name]
        if name != alias:  # v93 lists one name as an alias of itself
            pairs.append(f"{alias} {name}")
    header = [
        f"# Aliases of the CF standard name table, version {version} "
        f"({root.findtext('last_modified', '').strip()}): {TABLE_ADDRESS.format(version=version)}",
        "# ALIAS NAME: the old standard name, then the current name it stands for. Written by",
        "#   python -m climann.data.standard_name_aliases cf-standard-name-table.xml",
        f"# {len(pairs)} of the table's {len(targets)} aliases: an alias of several names, or of itself, is left out.",
    ]
    return "\n".join(header + pairs) + "\n"


if __name__ == "__main__":
    sys.stdout.write(alias_table_text(sys.argv[1]))
