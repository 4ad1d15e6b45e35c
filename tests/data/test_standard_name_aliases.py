"""Aliases of the CF standard name table (climann/data/standard_name_aliases.py): the shipped
pairs are the table's, and an alias reads as the name it stands for."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from climann.data.standard_name_aliases import (
    ALIAS_FILE,
    alias_table_text,
    current_standard_name,
    standard_name_aliases,
)

TABLE = """<?xml version="1.0"?>
<standard_name_table>
  <version_number>93</version_number>
  <last_modified>2026-03-17T10:53:20Z</last_modified>
  <entry id="air_pressure_at_mean_sea_level"><canonical_units>Pa</canonical_units></entry>
  <entry id="heat_content_new"><canonical_units>J m-2</canonical_units></entry>
  <alias id="air_pressure_at_sea_level"><entry_id>air_pressure_at_mean_sea_level</entry_id></alias>
  <alias id="heat_content_old"><entry_id>heat_content_middle</entry_id></alias>
  <alias id="heat_content_middle"><entry_id>heat_content_new</entry_id></alias>
  <alias id="heat_content_new"><entry_id>heat_content_new</entry_id></alias>
  <alias id="co2_flux"><entry_id>upward_co2_flux</entry_id><entry_id>downward_co2_flux</entry_id></alias>
</standard_name_table>
"""


def test_the_table_text_resolves_chains_and_leaves_out_aliases_of_several_names_or_of_themselves(tmp_path):
    path = tmp_path / "table.xml"
    path.write_text(TABLE)
    lines = alias_table_text(path).splitlines()
    assert lines[0] == ("# Aliases of the CF standard name table, version 93 (2026-03-17T10:53:20Z): "
                        "https://cfconventions.org/Data/cf-standard-names/93/src/cf-standard-name-table.xml")
    assert [line for line in lines if not line.startswith("#")] == [
        "air_pressure_at_sea_level air_pressure_at_mean_sea_level",
        "heat_content_middle heat_content_new",
        "heat_content_old heat_content_new",
    ]
    assert "# 3 of the table's 5 aliases" in lines[3]


@pytest.mark.parametrize(("name", "current"), [
    pytest.param("air_pressure_at_sea_level", "air_pressure_at_mean_sea_level", id="cmip5-psl"),
    pytest.param("soil_moisture_content", "mass_content_of_water_in_soil", id="cmip5-mrso"),
    pytest.param("air_pressure_at_mean_sea_level", "air_pressure_at_mean_sea_level", id="a-current-name"),
    pytest.param("surface_carbon_dioxide_mole_flux", "surface_carbon_dioxide_mole_flux", id="alias-of-two-names"),
])
def test_an_alias_reads_as_the_name_it_stands_for(name, current):
    assert current_standard_name(name) == current


def test_the_shipped_pairs_are_those_of_the_table_compliance_checker_holds():
    """Regenerate with ``python -m climann.data.standard_name_aliases XML > climann/data/cf_standard_name_aliases.txt``."""
    spec = importlib.util.find_spec("compliance_checker")
    if spec is None or spec.origin is None:
        pytest.skip("compliance-checker (a dev dependency) holds the table's XML")
    xml = Path(spec.origin).parent / "data" / "cf-standard-name-table.xml"
    if not xml.is_file():
        pytest.skip(f"no {xml}")
    shipped = Path(__file__).parents[2] / "climann" / "data" / ALIAS_FILE
    assert shipped.read_text(encoding="utf-8") == alias_table_text(xml)
    assert len(standard_name_aliases()) == 593
