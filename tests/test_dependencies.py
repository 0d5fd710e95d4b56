"""Dependencies run one way: config (wiring) <- accounts <- notifications <- partnerships <- visits, mobility, with
config/urls.py, the seed_demo command and the benchmark on top. The contracts are in pyproject.toml."""

from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
PACKAGES = ("config", "accounts", "notifications", "partnerships", "visits", "mobility", "bench")
# The modules of config that sit on top of the apps, not below them.
CONFIG_ON_TOP = ("config.urls", "config.management.commands.seed_demo")


def test_every_import_follows_the_layers():
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0, "see the report above"


def part_of(module: str) -> str:
    """The package a module belongs to, with config's top modules as a package of their own."""
    if module.startswith(CONFIG_ON_TOP):
        return "config (top)"
    return module.partition(".")[0]


def package_graph(graph) -> dict[str, set[str]]:
    imports = {part_of(module): set() for module in graph.modules}
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if part_of(imported) != part_of(module):
                imports[part_of(module)].add(part_of(imported))
    return imports


def test_no_package_imports_one_that_imports_it_back():
    imports = package_graph(grimp.build_graph(*PACKAGES, cache_dir=None))

    assert set(imports) == {*PACKAGES, "config (top)"}
    assert imports["partnerships"], "the graph sees the imports"
    try:
        order = list(TopologicalSorter(imports).static_order())
    except CycleError as error:
        pytest.fail(f"Packages import each other in a cycle: {' -> '.join(error.args[1])}")
    assert order.index("config") < order.index("accounts") < order.index("partnerships") < order.index("visits")


def test_a_cycle_between_packages_is_found():
    class Graph:
        modules = {"partnerships.views", "visits.models"}

        def find_modules_directly_imported_by(self, module):
            return {"visits.models"} if module == "partnerships.views" else {"partnerships.views"}

    with pytest.raises(CycleError):
        list(TopologicalSorter(package_graph(Graph())).static_order())
