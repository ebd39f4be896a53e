"""The package's imports flow one way: scenario → results → simulation → studies → charts → outputs → cli.

Reads every module of ``riskSim`` with :mod:`ast`, counting imports inside
functions too (only those under ``if TYPE_CHECKING:`` are exempt: they never
run), and fails on an import cycle, an upward import, or a third-party
library imported outside the one package allowed to use it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "riskSim"

LAYERS = {
    "riskSim.errors": 0,
    "riskSim.units": 0,
    "riskSim.words": 0,
    "riskSim.scenario": 1,
    "riskSim.results": 2,
    "riskSim.simulation": 3,
    "riskSim.studies": 4,
    "riskSim.charts": 5,
    "riskSim.outputs": 6,
    "riskSim.cli": 7,
    "riskSim": 8,
    "riskSim.__main__": 8,
}
"""Each part of the package and its rank: a module may import only parts of lower or equal rank."""

NEVER = {
    "riskSim.charts": ("riskSim.simulation", "riskSim.studies"),
}
"""Imports a part must not make although the ranks allow them (charts draw shapes, never simulate)."""

LIBRARIES = {
    "typer": "riskSim.cli",
    "rich": "riskSim.cli",
    "matplotlib": "riskSim.charts",
    "simpy": "riskSim.simulation.engine",
    "distributed": "riskSim.simulation.runners",
    "dask": "riskSim.simulation.runners",
    "optuna": "riskSim.studies.optimize",
}
"""Third-party libraries that only one part of the package may import."""


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_sources(root: Path = PACKAGE) -> dict[str, str]:
    """Every module of the package by dotted name."""
    return {module_name(path, root): path.read_text() for path in sorted(root.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import that can run, at any depth, except under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for other in node.orelse:
                yield from _imports(ast.Module(body=[other], type_ignores=[]))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _imports(node)


def import_graph(sources: Mapping[str, str]) -> dict[str, set[str]]:
    """Module → the modules (ours or third-party roots) it imports.

    ``from riskSim.scenario import model`` counts as importing the module
    ``riskSim.scenario.model``; ``from riskSim.scenario import Scenario`` as
    importing the package ``riskSim.scenario``.
    """
    graph: dict[str, set[str]] = {}
    for name, text in sources.items():
        targets: set[str] = set()
        for node in _imports(ast.parse(text)):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif node.level == 0 and node.module is not None:
                for alias in node.names:
                    submodule = f"{node.module}.{alias.name}"
                    targets.add(submodule if submodule in sources else node.module)
        graph[name] = targets
    return graph


def layer_of(module: str) -> str:
    """The longest entry of :data:`LAYERS` that ``module`` lies in."""
    candidates = [part for part in LAYERS if module == part or module.startswith(part + ".")]
    return max(candidates, key=len)


def _inside(module: str, part: str) -> bool:
    return module == part or module.startswith(part + ".")


def violations(sources: Mapping[str, str]) -> list[str]:
    """Every upward import, forbidden import and misplaced library, in words."""
    problems = []
    for module, targets in import_graph(sources).items():
        layer = layer_of(module)
        for target in sorted(targets):
            if _inside(target, "riskSim"):
                if target not in sources:
                    problems.append(f"{module} imports {target}, which does not exist")
                    continue
                target_layer = layer_of(target)
                if LAYERS[target_layer] > LAYERS[layer]:
                    problems.append(f"{module} ({layer}) imports {target} ({target_layer}): upward")
                for forbidden in NEVER.get(layer, ()):
                    if _inside(target, forbidden):
                        problems.append(f"{module} imports {target}: {layer} must never know it")
                continue
            library = target.split(".")[0]
            allowed = LIBRARIES.get(library)
            if allowed is not None and not _inside(module, allowed):
                problems.append(f"{module} imports {library}, which only {allowed} may import")
    return problems


def cycles(sources: Mapping[str, str]) -> list[list[str]]:
    """Import cycles among our modules (each found once, from its first module)."""
    graph = {
        module: {target for target in targets if target in sources}
        for module, targets in import_graph(sources).items()
    }
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                found.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def test_every_module_lies_in_a_layer() -> None:
    for module in read_sources():
        assert layer_of(module) in LAYERS


def test_imports_flow_one_way() -> None:
    assert violations(read_sources()) == []


def test_no_import_cycles() -> None:
    assert cycles(read_sources()) == []


def test_an_upward_import_inside_a_function_is_caught() -> None:
    sources = read_sources()
    sources["riskSim.results.records"] += "\n\ndef leak():\n    import riskSim.outputs\n"
    assert violations(sources) == [
        "riskSim.results.records (riskSim.results) imports riskSim.outputs (riskSim.outputs): upward"
    ]


def test_a_type_checking_import_is_exempt_but_its_else_branch_is_not() -> None:
    sources = read_sources()
    sources["riskSim.results.records"] += (
        "\n\nif TYPE_CHECKING:\n    import riskSim.outputs\nelse:\n    import matplotlib\n"
    )
    assert violations(sources) == [
        "riskSim.results.records imports matplotlib, which only riskSim.charts may import"
    ]


def test_a_cycle_is_caught() -> None:
    sources = read_sources()
    sources["riskSim.units"] += "\nfrom riskSim.words import money\n"
    sources["riskSim.words"] += "\nfrom riskSim.units import DAYS_PER_WEEK\n"
    assert [sorted(set(cycle)) for cycle in cycles(sources)] == [["riskSim.units", "riskSim.words"]]


@pytest.mark.parametrize(
    ("library", "where"),
    [("typer", "riskSim.outputs.run"), ("simpy", "riskSim.simulation.batch"), ("rich", "riskSim.scenario.loading")],
)
def test_a_library_outside_its_package_is_caught(library: str, where: str) -> None:
    sources = read_sources()
    sources[where] += f"\nimport {library}\n"
    assert any(f"{where} imports {library}" in problem for problem in violations(sources))


def test_charts_never_reach_the_simulator() -> None:
    sources = read_sources()
    sources["riskSim.charts.figures"] += "\n\ndef draw():\n    from riskSim.simulation import simulate\n"
    assert violations(sources) == [
        "riskSim.charts.figures imports riskSim.simulation: riskSim.charts must never know it"
    ]
