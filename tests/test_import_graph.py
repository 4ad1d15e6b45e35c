"""The package's modules import one another without cycles (issue 15: "no import cycles"), and
the layers only import downwards: the model layer knows nothing of data, evaluation or workflow.

The graph is read from the source with :mod:`ast`, every ``import`` statement counted, also
those inside functions (a lazy import that closes a cycle is still a cycle to a reader), but
not those under ``if TYPE_CHECKING:`` (for type hints only; they never run).
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import climann

PACKAGE = Path(climann.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def statements(tree: ast.AST):
    """Every statement of ``tree``, at any depth (in functions, classes, ``if``, ``try``, ``with``,
    loops, ``match`` cases), except those under ``if TYPE_CHECKING:`` (its ``else`` is kept). Only
    statements are visited: an import is one, and no expression holds a statement (the package's
    1.2 million nodes walked twice by :func:`ast.walk` cost seconds of CPU; its statements are
    a tenth of them)."""
    pending = list(getattr(tree, "body", []))
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)  # imports for type hints only never run
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(node, field, ()):
                if isinstance(child, (ast.ExceptHandler, ast.match_case)):
                    pending.extend(child.body)
                elif isinstance(child, ast.stmt):
                    pending.append(child)


def import_graph() -> dict[str, set[str]]:
    """module → the climann modules it names in an import statement (``from a import b`` names
    ``a.b`` when that is a module, else ``a``)."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for node in statements(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    submodule = f"{node.module}.{alias.name}"
                    targets.add(submodule if submodule in modules else node.module)
        graph[name] = {target for target in targets if target in modules and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    """:func:`import_graph` read once for the tests below, which only read it (parsing every
    module of the package took seconds of CPU for each of them)."""
    return import_graph()


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_statements_walked_reach_every_import_but_those_for_type_hints():
    """Those :func:`ast.walk` finds (every node), less those under ``if TYPE_CHECKING:``."""
    source = ("import a\nif TYPE_CHECKING:\n    import hint\nelse:\n    import b\n"
              "def f():\n    try:\n        import c\n    except ImportError:\n        import d\n    finally:\n"
              "        import e\nclass K:\n    with x:\n        for i in y:\n            while z:\n"
              "                import g\n    match v:\n        case 1:\n            import h\n")
    tree = ast.parse(source)
    walked = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    found = {alias.name for node in statements(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert walked - {"hint"} == found == {"a", "b", "c", "d", "e", "g", "h"}


def test_no_import_cycles(graph):
    assert cycles(graph) == []


@pytest.mark.parametrize(("layer", "forbidden"), [
    pytest.param("climann.model", ("climann.data", "climann.evaluation", "climann.workflow", "climann.cli"), id="model"),
    pytest.param("climann.data", ("climann.model", "climann.evaluation", "climann.workflow", "climann.cli"), id="data"),
])
def test_layers_import_downwards(graph, layer, forbidden):
    wrong = {(module, target) for module, targets in graph.items() if module.startswith(layer)
             for target in targets if target.startswith(forbidden)}
    assert wrong == set()


def test_the_workflow_imports_no_plotting_or_array_library_it_does_not_use(tmp_path):
    """Every fresh process that runs the workflow (a CLI command, a notebook kernel, a dask worker)
    pays its imports: matplotlib (≈0.4 s) is imported where a figure is drawn, dask.array (≈0.2 s)
    where a file's values are wrapped, not with the modules that merely may do so (issue 15); a
    run's checks of its directory (which know the figures' file names) draw nothing either."""
    code = ("import sys\nimport climann.workflow.pipeline, climann.workflow.predict, climann.workflow.compute\n"
            "from climann.workflow.outputs import remove_leftovers\n"
            f"remove_leftovers({str(tmp_path / 'run')!r})\n"
            "print(sorted(m for m in ('matplotlib', 'dask.array', 'distributed', 'scipy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def _distribution_closure(requirements: list[str]) -> set[str]:
    """The distributions ``requirements`` install (PEP 508 strings), with everything they require
    in turn (their extras' requirements too, where named), by :mod:`importlib.metadata` of this
    environment; names normalised (PEP 503)."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found: set[str] = set()
    pending = [(Requirement(text), "") for text in requirements]
    while pending:
        requirement, extra = pending.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        extras = sorted(requirement.extras)
        if (name, tuple(extras)) in found or (not extras and name in found):
            continue
        found |= {name, (name, tuple(extras))}
        try:
            required = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            continue
        pending += [(Requirement(text), chosen) for text in required for chosen in ("", *extras)]
    return {each for each in found if isinstance(each, str)}


def test_every_library_the_package_imports_is_installed_with_it_or_with_one_of_its_extras():
    """A module imported by climann (outside ``if TYPE_CHECKING:``) that only the ``dev`` extra
    installs is missing on a user's ``pip install climann``: scipy's cKDTree in
    climann.workflow.new_data was (session 64, found in review). Each third-party module must be
    installed by the dependencies, or by a user-facing extra (maps, zarr, grib, regions), directly
    or as something they require."""
    import sys
    import tomllib
    from importlib import metadata

    from packaging.utils import canonicalize_name

    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    installed = _distribution_closure(project["dependencies"])
    optional = _distribution_closure([text for name in ("maps", "zarr", "grib", "regions") for text in extras[name]])
    providers = metadata.packages_distributions()
    imported = set()
    for path in PACKAGE.rglob("*.py"):
        for node in statements(ast.parse(path.read_text(), filename=str(path))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
            imported |= {(name.partition(".")[0], module_name(path)) for name in names}
    missing = sorted((top, where) for top, where in imported
                     if top != "climann" and top not in sys.stdlib_module_names
                     and not {canonicalize_name(each) for each in providers.get(top, [top])} & (installed | optional))
    assert missing == []
    assert {"pandas", "pillow", "numpy"} <= installed  # the closure reaches what xarray and matplotlib require
