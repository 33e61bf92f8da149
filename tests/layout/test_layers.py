"""The package map holds: entry points only at the top, imports one way between layers, and no
two modules that import each other.

Imports are read from the source (every `import` statement, also those inside functions, but not
those under `if TYPE_CHECKING:`, which never run), so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "wizard"

ENTRY_POINTS = {"__init__.py", "__main__.py", "cli.py"}

ALLOWED: dict[str, set[str]] = {
    # layer -> the layers it may import (besides itself)
    "core": set(),
    "bandwidth": {"core"},
    "storage": {"core"},
    "callbacks": {"core"},
    "engine": {"core", "bandwidth"},
    "session": {"core", "bandwidth", "storage", "callbacks", "engine", "sandbox"},
    "status": {"core", "bandwidth", "callbacks", "session"},
    "commands": {"core", "bandwidth", "storage", "callbacks", "engine", "session", "status"},
    "tui": {"core", "storage", "callbacks", "engine", "session", "status"},
    "sandbox": set(),
    "cli": {"tui", "commands", "sandbox"},
}
"""The layers of ../shared/DESIGN.md: the sandbox is the other side of the wire and depends on
nothing of the wizard; screens show and ask, never build requests or touch the wire."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _runtime_imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules of the package that `path` imports when it runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    this = _module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                prefix = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{prefix}.{base}" if base else prefix
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name in modules and name != this:
                found.add(name)
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "cli"


def test_only_entry_points_sit_at_the_top_of_the_package() -> None:
    loose = {path.name for path in PACKAGE.glob("*.py")}
    assert loose == ENTRY_POINTS


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_go_one_way_between_layers(layer: str) -> None:
    modules = _modules()
    wrong = []
    for name, path in sorted(modules.items()):
        if _layer(name) != layer or name == "wizard":
            continue
        for imported in sorted(_runtime_imports(path, modules)):
            target = _layer(imported)
            if imported != "wizard" and target != layer and target not in ALLOWED[layer]:
                wrong.append(f"{name} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_no_two_modules_import_each_other() -> None:
    modules = _modules()
    graph = {name: _runtime_imports(path, modules) for name, path in modules.items()}
    cycles = []
    for name, imports in graph.items():
        for other in imports:
            if name < other and name in graph.get(other, set()):
                cycles.append(f"{name} <-> {other}")
    assert not cycles, "\n".join(cycles)


def test_no_import_cycle_through_several_modules() -> None:
    modules = _modules()
    graph = {name: _runtime_imports(path, modules) for name, path in modules.items()}
    # A package's __init__ is imported before its modules: an edge to it is not a cycle.
    graph = {n: {m for m in deps if not n.startswith(m + ".")} for n, deps in graph.items()}
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if seen.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in seen and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        seen[node] = 2
        return None

    for start in sorted(graph):
        if start not in seen and (cycle := visit(start)):
            pytest.fail(" -> ".join(cycle))
