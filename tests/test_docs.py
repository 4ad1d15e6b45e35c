"""The API pages in docs/ list every public module of the four layers (a module added without
its ``:::`` line would be missing from the documentation; `make test` builds the pages with
``mkdocs build --strict``, which fails on a listed module that no longer exists)."""

import re
from pathlib import Path

import pytest

import climann

PACKAGE = Path(climann.__file__).resolve().parent
DOCS = PACKAGE.parent / "docs"
LAYERS = ("data", "model", "evaluation", "workflow")


def public_modules(layer: str) -> set[str]:
    names = set()
    for path in (PACKAGE / layer).rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if any(part.startswith("_") and part != "__init__" for part in parts):
            continue
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.parametrize("layer", LAYERS)
def test_every_public_module_has_its_section(layer):
    page = (DOCS / f"{layer}.md").read_text()
    documented = set(re.findall(r"^::: (climann[\w.]*)\s*$", page, flags=re.M))
    assert public_modules(layer) - documented == set()
