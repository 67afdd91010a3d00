"""tms.claims.catalogue: it imports exactly the figure registry's claim modules, by name; REGISTRY is
in the figure registry's order; the claims package has no import cycle (a claim module imports
``tms.claims.registry``, which imports none of them)."""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from pathlib import Path

import tms.claims
from tms.claims import catalogue
from tms.claims.catalogue import MODULES, REGISTRY, claims_for
from tms.claims.registry import CLAIMS
from tms.figures import FIGURES

PACKAGE = Path(tms.claims.__file__).resolve().parent
CLAIM_MODULES = list(dict.fromkeys(f.claims for f in FIGURES.values()))  # in the figure registry's order


def _name(path: Path) -> str:
    return "tms.claims" if path.name == "__init__.py" else f"tms.claims.{path.stem}"


def _package_imports(path: Path) -> set[str]:
    """The modules of tms.claims that ``path`` imports, anywhere in it (as the workflow's rule
    inputs read them: ``ast``, every import statement)."""
    modules = {_name(p) for p in PACKAGE.glob("*.py")}
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found |= {n for n in names if n in modules}
    return found


def _fresh(code: str) -> str:
    """What ``code`` prints in a fresh interpreter."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_the_catalogue_imports_exactly_the_figures_claim_modules():
    """A new figure's claims module that is not imported here would register no claim: the import
    statements (which the workflow's rule inputs follow) and ``MODULES`` name exactly the claims
    modules of the figure registry, ``MODULES`` in its order."""
    imported = _package_imports(Path(catalogue.__file__)) - {"tms.claims", "tms.claims.registry"}
    assert imported == set(CLAIM_MODULES)
    assert [m.__name__ for m in MODULES] == CLAIM_MODULES


def test_registry_is_in_the_figure_registrys_order():
    """Claims ordered by the rank of their module among the figure registry's claims modules, and
    within a module in the order the module defines them (the order they register)."""
    rank = {m: i for i, m in enumerate(CLAIM_MODULES)}
    claims = list(REGISTRY.values())
    assert [c.id for c in claims] == list(REGISTRY)
    assert {c.id for c in claims} == {c.id for c in CLAIMS.values() if c.measure.__module__ in rank}
    keys = [(rank[c.measure.__module__], c.measure.__code__.co_firstlineno) for c in claims]
    assert keys == sorted(keys)
    registered = [c.id for c in CLAIMS.values() if c.id in REGISTRY]
    for module in CLAIM_MODULES:
        mine = [c.id for c in claims if c.measure.__module__ == module]
        assert mine and mine == [i for i in registered if REGISTRY[i].measure.__module__ == module], module
    for figure in FIGURES:
        assert claims_for(figure) == [c for c in claims if c.figure == figure]


def test_the_claims_package_has_no_import_cycle():
    """Read from the code: the imports between the modules of tms.claims form no cycle, the package
    ``__init__`` imports nothing, and ``registry`` imports no other module of the package."""
    graph = {_name(p): _package_imports(p) - {"tms.claims"} for p in sorted(PACKAGE.glob("*.py"))}
    assert graph["tms.claims"] == set()
    assert graph["tms.claims.registry"] == set()
    order = list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError on a cycle
    assert order.index("tms.claims.catalogue") > max(order.index(m) for m in CLAIM_MODULES)


def test_registry_and_the_table_load_no_claim_module():
    """In a fresh interpreter: importing the registry (as a claim module does) loads no claim
    module and no catalogue, and neither does formatting a value for the robustness study
    (``tms.robustness`` through ``tms.claims.table``); the catalogue loads every claim module."""
    loaded = "print(sorted(m for m in sys.modules if m.startswith('tms.claims')))"
    assert _fresh(f"import sys, tms.claims.registry; {loaded}") == str(["tms.claims", "tms.claims.registry"])
    code = f"import sys, tms.robustness; tms.robustness._short({{'a': 1.0}}); tms.robustness.headline([]); {loaded}"
    assert _fresh(code) == str(["tms.claims", "tms.claims.registry", "tms.claims.table"])
    everything = sorted(["tms.claims", "tms.claims.catalogue", "tms.claims.registry", *CLAIM_MODULES])
    assert _fresh(f"import sys, tms.claims.catalogue; {loaded}") == str(everything)
