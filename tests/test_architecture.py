"""The library's shape: packages on floors, no import cycle, no private import across
packages, no function over 60 lines. Each check runs on the real tree and, as a negative
control, on a small synthetic tree that breaks it."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

LIBRARY = Path(__file__).resolve().parents[1] / "lifecore"

#: Each top-level part of `lifecore` on its floor: a module imports only from lower floors
#: (or from inside its own package). Leaves first.
FLOORS: list[set[str]] = [
    {"errors", "_lazy"},
    {"files", "seeds", "cores"},
    {"rules"},
    {"simulate"},
    {"data", "rle", "models", "viz"},
    {"patterns", "certify"},
    {"train"},
    {"extract"},
    {"discover", "experiments"},
    {"book", "cli"},
    {"__main__", "__init__"},
]
MAX_FUNCTION_LINES = 60


def module_name(root: Path, path: Path) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package at ``root`` by dotted name."""
    return {module_name(root, p): p for p in sorted(root.rglob("*.py"))}


def _absolute(package: str, level: int, module: str | None) -> str:
    """The dotted name ``from {'.' * level}{module} import ...`` refers to, inside ``package``."""
    if not level:
        return module or ""
    base = package.split(".")[: len(package.split(".")) - level + 1]
    return ".".join(base + ([module] if module else []))


def imports(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (anywhere in the file, lazy imports too).

    ``from pkg import name`` counts as importing ``pkg.name`` when that is a module."""
    known = modules(root)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                target = _absolute(package, node.level, node.module)
                subs = {f"{target}.{a.name}" for a in node.names} & set(known)
                found |= subs or {target}
        graph[name] = {m for m in found if m in known and m != name}
    return graph


def part(module: str) -> str:
    """The top-level part of a dotted module name (``lifecore.rules.hensel`` -> ``rules``)."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def floor_of(module: str) -> int:
    name = part(module)
    for i, floor in enumerate(FLOORS):
        if name in floor:
            return i
    raise AssertionError(f"{module}: part {name!r} is on no floor; add it to FLOORS")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return [
        f"{a} -> {b}"
        for a, targets in graph.items()
        for b in targets
        if part(a) != part(b) and floor_of(b) >= floor_of(a)
    ]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def private_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports of another package's private module (a name part starting with ``_``)."""
    bad = []
    for a, targets in graph.items():
        for b in targets:
            private = [i for i, p in enumerate(b.split(".")) if p.startswith("_") and i > 0]
            if private and not a.startswith(".".join(b.split(".")[: private[0]]) + "."):
                bad.append(f"{a} -> {b}")
    return bad


def long_functions(root: Path) -> list[str]:
    return [
        f"{path.relative_to(root.parent)}:{node.lineno} {node.name} ({length} lines)"
        for path in sorted(root.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and (length := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES
    ]


# -- the real tree ------------------------------------------------------------------------
def test_every_part_of_the_library_is_on_a_floor():
    for module in modules(LIBRARY):
        floor_of(module)


def test_no_import_goes_up_a_floor():
    assert upward_imports(imports(LIBRARY)) == []


def test_no_import_cycle():
    assert cycles(imports(LIBRARY)) == []


def test_no_private_module_imported_from_another_package():
    assert private_imports(imports(LIBRARY)) == []


def test_no_function_over_sixty_lines():
    assert long_functions(LIBRARY) == []


# -- negative controls: a synthetic package that breaks each rule --------------------------
@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "lifecore"
    files = {
        "__init__.py": "",
        "errors.py": "from .rules import thing\n",  # upward: errors is the ground floor
        "rules/__init__.py": "from .a import x\n",
        "rules/a.py": "def f():\n    from .b import y\n",  # a <-> b, lazily
        "rules/b.py": "from .a import x\n",
        "simulate/__init__.py": "",
        "simulate/_kernel.py": "",
        "data.py": "from .simulate._kernel import k\n",  # another package's private module
        "models/__init__.py": "def long():\n" + "    x = 1\n" * 70,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


def test_controls_each_check_fails_on_a_tree_that_breaks_it(broken: Path):
    graph = imports(broken)
    assert upward_imports(graph) == ["lifecore.errors -> lifecore.rules"]
    assert cycles(graph) == [["lifecore.rules.a", "lifecore.rules.b"]]
    assert private_imports(graph) == ["lifecore.data -> lifecore.simulate._kernel"]
    assert [f.split()[1] for f in long_functions(broken)] == ["long"]
