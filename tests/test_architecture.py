"""The import rules of docs/architecture.md, read from the source: no cycles, deferred imports named.

Every module of imvo_cli is parsed with `ast`; each import becomes an edge of the module graph,
with relative imports resolved as Python does (`from . import tables` inside imvo_cli.risk is
imvo_cli.risk.tables when tables is a submodule, else the package itself). Imports under
`if TYPE_CHECKING:` never run and are left out. An import inside a function is function-level;
it is allowed only in imvo_cli/cli.py and imvo_cli/commands/, marked `# deferred: start-up`.
"""

from __future__ import annotations

import ast
import io
import tokenize
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import networkx as nx
from conftest import REPO

PACKAGE = "imvo_cli"
ROOT = REPO / PACKAGE
MARKER = "# deferred: start-up"
# Where a function-level import may stand (to keep `imvo --help` fast): the command layer.
DEFERRABLE = ("imvo_cli.cli", "imvo_cli.commands")


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement's edge: who imports what, where, and how."""

    importer: str
    imported: str
    internal: bool  # a module of the package (the others are only checked for deferral)
    file: str  # relative to the repository root
    line: int
    function_level: bool
    marked: bool  # the statement carries the MARKER comment
    via: str | None = None  # set when the edge is a package's __init__ run to import this module

    def where(self) -> str:
        return f"{self.file}:{self.line}" + (f" via {self.via}" if self.via else "")


def module_name(path: Path, root: Path = ROOT) -> str:
    """Dotted name of a source file: imvo_cli/risk/__init__.py -> imvo_cli.risk."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path = ROOT) -> dict[str, Path]:
    """Module name -> file, for every .py file of the package."""
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def _package_of(module: str, is_package: bool) -> str:
    return module if is_package else module.rpartition(".")[0]


def resolve_from(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute base of `from <dots><target> import ...` written inside `module`."""
    if level == 0:
        return target or ""
    base = _package_of(module, is_package)
    for _ in range(level - 1):
        base = base.rpartition(".")[0]
    return f"{base}.{target}" if target else base


def _has_marker(lines: list[str], first: int, last: int) -> bool:
    """True when a comment on the statement's lines (1-based, inclusive) holds the MARKER;
    tokenized, so the words inside a string do not count."""
    text = "".join(lines[first - 1:last])
    if MARKER not in text:
        return False
    try:
        return any(tok.type == tokenize.COMMENT and MARKER in tok.string
                   for tok in tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):  # a statement sharing its last line with more
        return True


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(body: list[ast.stmt], in_function: bool = False):
    """(import statement, inside a function?) for every import in these statements.

    Only statements are walked: an import is always a statement, and skipping expressions
    keeps the walk over the whole package cheap."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, in_function
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _imports(node.body, True)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _imports(node.orelse, in_function)  # the body never runs
        else:
            for name in ("body", "orelse", "finalbody"):
                yield from _imports(getattr(node, name, []), in_function)
            for handler in getattr(node, "handlers", []):
                yield from _imports(handler.body, in_function)
            for case in getattr(node, "cases", []):
                yield from _imports(case.body, in_function)


def module_imports(module: str, path: Path, known: set[str], repo: Path = REPO) -> list[Import]:
    """Every import of `module`, one edge per imported module (outside ones by their name)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    is_package = path.name == "__init__.py"
    rel = path.relative_to(repo).as_posix()
    edges = []
    for node, function_level in _imports(ast.parse(source, str(path)).body):
        end = node.end_lineno or node.lineno
        marked = _has_marker(lines, node.lineno, end)
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [_known_prefix(alias.name, known) for alias in node.names]
        else:
            base = resolve_from(module, is_package, node.level, node.module)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.append(sub if sub in known else _known_prefix(base, known))
        for target in dict.fromkeys(targets):
            if target == module:
                continue
            edge = Import(module, target, target in known, rel, node.lineno, function_level, marked)
            edges.append(edge)
            edges.extend(replace(edge, imported=package, via=target)
                         for package in _packages_run(module, target, known))
    return edges


def _packages_run(importer: str, target: str, known: set[str]) -> list[str]:
    """The packages whose __init__ runs when `importer` imports `target`: the target's own
    packages, except those the importer sits in (they are already being imported)."""
    parts = target.split(".")
    mine = importer.split(".")
    return [pkg for n in range(1, len(parts))
            if (pkg := ".".join(parts[:n])) in known and parts[:n] != mine[:n] and pkg != importer]


def _known_prefix(name: str, known: set[str]) -> str:
    """`import a.b.c` names a module: the longest part of it that is a package module, else
    the name itself (a module from outside)."""
    probe = name
    while probe and probe not in known:
        probe = probe.rpartition(".")[0]
    return probe or name


@cache
def all_imports() -> tuple[Import, ...]:
    files = source_files()
    known = set(files)
    return tuple(edge for name, path in files.items() for edge in module_imports(name, path, known))


def import_graph(edges: tuple[Import, ...] | list[Import], *, function_level: bool) -> nx.DiGraph:
    """The module graph; with function_level=False only the imports that run at import time."""
    graph = nx.DiGraph()
    graph.add_nodes_from(source_files())
    for e in edges:
        if e.internal and (function_level or not e.function_level):
            graph.add_edge(e.importer, e.imported)
            graph.edges[e.importer, e.imported].setdefault("at", []).append(e)
    return graph


def cycles(graph: nx.DiGraph) -> list[str]:
    """Per tangle (strongly connected component): one cycle through it, then every import
    inside it with its lines (breaking any of these edges may untie it)."""
    out = []
    for component in sorted(nx.strongly_connected_components(graph), key=min):
        if len(component) < 2:
            continue
        inside = graph.subgraph(component)

        def step(a: str, b: str) -> str:
            return f"{a} -> {b} ({', '.join(e.where() for e in graph.edges[a, b]['at'])})"

        loop = nx.find_cycle(inside, source=min(component))
        text = (f"cycle among {len(component)} modules: "
                + " -> ".join([a for a, _ in loop] + [loop[0][0]]) + "\n    "
                + "\n    ".join(step(a, b) for a, b in loop))
        if len(component) > 2:
            text += "\n  every import inside this tangle:\n    " + "\n    ".join(
                step(a, b) for a, b in sorted(inside.edges))
        out.append(text)
    return out


def deferral_offenders(edges: tuple[Import, ...] | list[Import]) -> list[str]:
    """Function-level imports outside the command layer, or without the marker comment."""
    out = []
    for e in edges:
        if not e.function_level or e.via:  # a package run by an import is that import's line
            continue
        allowed = any(e.importer == d or e.importer.startswith(d + ".") for d in DEFERRABLE)
        if not allowed:
            out.append(f"{e.where()}: {e.importer} imports {e.imported} inside a function "
                       "(move it to the top of the module)")
        elif not e.marked:
            out.append(f"{e.where()}: {e.importer} imports {e.imported} inside a function "
                       f"without the comment {MARKER!r}")
    return out


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


# --- the rules -------------------------------------------------------------------------------

def test_no_cycle_among_module_level_imports():
    problems = cycles(import_graph(all_imports(), function_level=False))
    assert not problems, _report(problems)


def test_no_cycle_when_function_level_imports_count_too():
    problems = cycles(import_graph(all_imports(), function_level=True))
    assert not problems, _report(problems)


def test_function_level_imports_only_in_the_command_layer_and_marked():
    problems = deferral_offenders(all_imports())
    assert not problems, _report(problems)


# --- the checker itself, on small packages written here ----------------------------------------

def _edges(tmp_path: Path, files: dict[str, str]) -> list[Import]:
    """The import edges of a package `pkg` with these files, written under tmp_path."""
    root = tmp_path / "pkg"
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    mods = source_files(root)
    known = set(mods)
    return [e for name, path in mods.items() for e in module_imports(name, path, known, tmp_path)]


def test_relative_imports_resolve_to_submodules_or_the_package(tmp_path):
    edges = _edges(tmp_path, {
        "__init__.py": "",
        "model.py": "",
        "risk/__init__.py": "from .engine import assess\n",
        "risk/engine.py": "from . import tables\nfrom . import load\nfrom ..model import Level\n",
        "risk/tables.py": "import pkg.model.Level\nimport os.path\nfrom .. import risk\n",
    })
    assert {(e.importer, e.imported, e.internal) for e in edges} == {
        ("pkg.risk", "pkg.risk.engine", True), ("pkg.risk.engine", "pkg.risk.tables", True),
        ("pkg.risk.engine", "pkg.risk", True),  # `load` is a name in the package, not a module
        ("pkg.risk.engine", "pkg.model", True), ("pkg.risk.tables", "pkg.model", True),
        ("pkg.risk.tables", "os.path", False), ("pkg.risk.tables", "pkg.risk", True)}


def test_a_cycle_is_reported_with_its_lines_and_type_checking_imports_are_not_edges(tmp_path):
    edges = _edges(tmp_path, {
        "__init__.py": "",
        "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import c\nfrom . import b\n",
        "b.py": "def f():\n    from . import a  # deferred: start-up\n",
        "c.py": "from . import a\n",
    })
    static = [e for e in edges if e.internal and not e.function_level]
    assert {(e.importer, e.imported) for e in static} == {("pkg.a", "pkg.b"), ("pkg.c", "pkg.a")}
    full = nx.DiGraph()
    for e in edges:
        if e.internal:
            full.add_edge(e.importer, e.imported, at=[e])
    (problem,) = cycles(full)
    assert "pkg.a -> pkg.b (pkg/a.py:4)" in problem and "pkg.b -> pkg.a (pkg/b.py:2)" in problem
    (deferred,) = [e for e in edges if e.function_level]
    assert deferred.marked and deferred.line == 2


def test_deferral_offenders_name_file_line_and_what_is_wrong(tmp_path):
    edges = _edges(tmp_path, {
        "__init__.py": "",
        "cli.py": ("def main():\n    from . import lib\n    from . import (\n"
                   "        other,  # deferred: start-up\n    )\n    x = '# deferred: start-up'; import json\n"),
        "lib.py": "def f():\n    from anyascii import anyascii  # deferred: start-up\n",
        "other.py": "",
    })
    # Seen from the real package: pkg.cli stands where imvo_cli.cli does.
    edges = [replace(e, importer=e.importer.replace("pkg.", "imvo_cli.")) for e in edges]
    assert deferral_offenders(edges) == [
        "pkg/cli.py:2: imvo_cli.cli imports pkg.lib inside a function without the comment "
        "'# deferred: start-up'",
        "pkg/cli.py:6: imvo_cli.cli imports json inside a function without the comment "
        "'# deferred: start-up'",
        "pkg/lib.py:2: imvo_cli.lib imports anyascii inside a function (move it to the top "
        "of the module)"]


def test_the_package_says_it_is_typed_and_installs_the_marker():
    assert (ROOT / "py.typed").is_file()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in pyproject["tool"]["setuptools"]["package-data"][PACKAGE]
