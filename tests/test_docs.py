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


def test_the_configuration_page_lists_every_key_with_its_default():
    """docs/configuration.md's TOML block holds every key of every section with the value a
    configuration without keys resolves to: a key added to the schema fails here until it is
    documented."""
    import tomllib

    from climann.workflow.config import build_config, config_to_toml

    text = (DOCS / "configuration.md").read_text()
    documented = tomllib.loads(re.search(r"```toml\n(.*?)```", text, re.S).group(1))
    defaults = tomllib.loads(config_to_toml(build_config({})))
    assert set(documented) == set(defaults)
    for section, keys in defaults.items():
        assert documented[section] == keys, section


#: Counts as the pages write them.
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


@pytest.mark.parametrize("page", [pytest.param("README.md", id="readme"), pytest.param("docs/index.md", id="index"),
                                  pytest.param("notebooks/README.md", id="notebooks-readme")])
def test_the_pages_count_and_name_every_notebook(page):
    """A notebook added without the pages' sentences updated left docs/index.md saying
    "three notebooks" beside four."""
    notebooks = sorted(path.stem for path in (PACKAGE.parent / "notebooks").glob("*.ipynb"))
    text = (PACKAGE.parent / page).read_text()
    counted = re.search(r"\b(\w+) notebooks\b", text, flags=re.I)
    assert counted and counted.group(1).lower() == _NUMBER_WORDS[len(notebooks)], counted and counted.group(0)
    assert [name for name in notebooks if name not in text] == []


def _sentences(page: Path) -> list[str]:
    """The page's text cut into sentences (lines joined, a full stop, semicolon or colon before a
    space ends one)."""
    text = " ".join(page.read_text(encoding="utf-8").split())
    return re.split(r"(?<=[.;:])\s", text)


def test_the_pages_say_new_data_at_another_step_are_refused_only_by_runs_with_lags_or_anomalies():
    """break37a D1: own-data.md said twice that `predict` refuses new data at another time step;
    a run without lags or target_anomaly warns and predicts (run-directory.md, "Time step";
    climann.workflow.new_data). A sentence that says new data at another step are refused must
    name the runs that refuse them."""
    for page in sorted(DOCS.glob("*.md")):
        for sentence in _sentences(page):
            says_refused = re.search(r"\brefuse[sd]?\b", sentence) and re.search(r"\bpredict\b", sentence)
            if says_refused and re.search(r"(new data|data) at another step|of another step", sentence):
                assert re.search(r"\blags\b|target_anomaly", sentence), f"{page.name}: {sentence}"


def _modules_with_examples() -> list[str]:
    """Every climann module whose docstrings hold an ``Examples`` section (``>>>``), found by
    reading the source (nothing is imported at collection)."""
    root = Path(__file__).resolve().parent.parent / "climann"
    return sorted(".".join(path.relative_to(root.parent).with_suffix("").parts)
                  for path in root.rglob("*.py") if ">>> " in path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("module_name", _modules_with_examples())
def test_the_examples_in_the_docstrings_give_what_they_show(module_name):
    """The ``Examples`` of the public docstrings are run as doctests (numpydoc's section; the
    reference pages show them): an example whose output is not what the code gives fails here
    (``text_times.conversion_statements`` showed double quotes where Python prints single)."""
    import doctest
    import importlib

    module = importlib.import_module(module_name)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=flags)
    examples = [test for test in finder.find(module) if test.examples]
    assert examples, f"{module_name}: '>>> ' in its source but no example found"
    said: list[str] = []
    for test in examples:
        runner.run(test, out=said.append)
    summary = runner.summarize(verbose=False)
    assert summary.failed == 0, "".join(said)
