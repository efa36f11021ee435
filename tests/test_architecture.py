"""The walls between govern's stages, read from the imports of every module (DESIGN.md "Walls").

The analysis runs on a package folder, so the same code is tested on a planted package with one
violation of each kind: a wall that nothing can break is a wall nobody checks.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "govern"
EXAMPLE = REPO / "examples" / "credit-scoring"
KERNEL = {"errors", "models", "outputs", "__init__", "__main__"}
STAGES = {
    "cli",
    "load",
    "evidence",
    "policy",
    "engine",
    "fairness",
    "render",
    "report",
    "sign",
    "store",
    "serve",
    "reference",
    "scaffold",
}
# Stage -> the stages it must never import.
FORBIDDEN: dict[str, set[str]] = {
    **{
        stage: {"render", "report", "sign", "store", "serve", "cli"}
        for stage in ("load", "evidence", "policy", "engine")
    },
    **{stage: {"store", "serve", "cli"} for stage in ("render", "report", "sign")},
    "fairness": {"engine", "cli"},
}
HEAVY = (
    "numpy",
    "pandas",
    "pyarrow",
    "fairlearn",
    "weasyprint",
    "pyhanko",
    "cryptography",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "psycopg",
    "jinja2",
    "duckdb",
    "sklearn",
    "starlette",
    "uvicorn",
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted (absolute)
    line: int
    top_level: bool  # at module level, outside functions (and outside `if TYPE_CHECKING:`)


def modules(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def imports(root: Path) -> list[Import]:
    found = []
    for name, path in modules(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found.extend(_imports_in(tree, name, package))
    return found


def _imports_in(tree: ast.Module, name: str, package: str) -> Iterator[Import]:
    def visit(node: ast.AST, top: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) or (
                isinstance(child, ast.If) and _is_type_checking(child.test)
            ):
                yield from visit(child, False)
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(name, alias.name, child.lineno, top)
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(child, package)
                for alias in child.names:
                    # `from govern.sign import pades` imports the submodule govern.sign.pades.
                    yield Import(name, f"{base}.{alias.name}", child.lineno, top)
            else:
                yield from visit(child, top)

    yield from visit(tree, True)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if node.level == 0:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def stage_of(module: str, root_name: str) -> str | None:
    parts = module.split(".")
    if parts[0] != root_name or len(parts) < 2:
        return None
    return parts[1]


def wall_violations(root: Path) -> list[str]:
    """Every import that crosses a wall, as `module:line imports target (why)`."""
    root_name = root.name
    problems = []
    for imp in imports(root):
        here = stage_of(imp.module, root_name)
        there = stage_of(imp.target, root_name)
        where = f"{imp.module}:{imp.line} imports {imp.target}"
        if imp.target.split(".")[0] == "click" and here != "cli":
            problems.append(f"{where} (only cli/ may import click)")
        if here in FORBIDDEN and there in FORBIDDEN[here]:
            problems.append(f"{where} ({here}/ must not import {there}/)")
        if here is not None and here not in STAGES | KERNEL:
            problems.append(f"{imp.module}: {here} is neither a stage package nor the kernel")
    return sorted(set(problems))


def stage_cycles(root: Path) -> list[tuple[str, ...]]:
    """Cycles in the graph of stage packages (each import of one stage by another is an edge)."""
    edges: dict[str, set[str]] = {}
    for imp in imports(root):
        here, there = stage_of(imp.module, root.name), stage_of(imp.target, root.name)
        if here in STAGES and there in STAGES and here != there:
            edges.setdefault(here, set()).add(there)
    cycles = set()

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt in path:
                cycle = path[path.index(nxt) :]
                start = cycle.index(min(cycle))
                cycles.add(tuple(cycle[start:] + cycle[:start]))
            elif len(path) < len(STAGES):
                walk(nxt, [*path, nxt])

    for stage in sorted(edges):
        walk(stage, [stage])
    return sorted(cycles)


def heavy_at_top_level(root: Path, loaded: set[str]) -> list[str]:
    """Heavy libraries imported at module level by modules in `loaded`."""
    return sorted(
        f"{imp.module}:{imp.line} imports {imp.target} at module level"
        for imp in imports(root)
        if imp.top_level and imp.module in loaded and imp.target.split(".")[0] in HEAVY
    )


def modules_loaded_by_check() -> set[str]:
    """The govern modules a real `govern check` of the example imports."""
    code = (
        "import json, sys\n"
        "from govern.cli import main\n"
        "try:\n"
        f"    main(['check', {str(EXAMPLE)!r}, '-o', 'json=/dev/null'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'govern')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    loaded: set[str] = set(json.loads(out.stdout.strip().splitlines()[-1]))
    return loaded


# ---------------------------------------------------------------------------------------------
# govern itself


def test_no_import_crosses_a_wall() -> None:
    assert wall_violations(PACKAGE) == []


def test_stage_packages_import_each_other_in_no_cycle() -> None:
    assert stage_cycles(PACKAGE) == []


def test_govern_check_loads_no_heavy_library_at_module_level() -> None:
    loaded = modules_loaded_by_check()
    assert "govern.engine.evaluate" in loaded  # the probe really ran a check
    assert heavy_at_top_level(PACKAGE, loaded) == []


def test_top_level_holds_only_stage_packages_and_the_kernel() -> None:
    loose = {p.stem for p in PACKAGE.glob("*.py")} - KERNEL
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert loose == set()
    assert folders - {"_policies", "_templates"} <= STAGES


# ---------------------------------------------------------------------------------------------
# the test of the test: a planted package with one violation of each kind


def _plant(root: Path, files: dict[str, str]) -> Path:
    package = root / "planted"
    for name, text in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        for parent in path.relative_to(package).parents:
            init = package / parent / "__init__.py"
            if not init.exists():
                init.write_text("")
    return package


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"render/text.py": "import click\n"}, "only cli/ may import click"),
        ({"engine/x.py": "from planted.render import text\n"}, "engine/ must not import render/"),
        ({"load/x.py": "def f():\n    from planted.store import db\n"}, "load/ must not"),
        ({"report/x.py": "from planted.cli import main\n"}, "report/ must not import cli/"),
        ({"fairness/x.py": "from planted.engine import y\n"}, "fairness/ must not import engine/"),
        ({"sign/x.py": "from ..store import ledger\n"}, "sign/ must not import store/"),
        ({"helpers.py": "import json\n"}, "neither a stage package nor the kernel"),
    ],
)
def test_each_planted_wall_violation_is_found(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    problems = wall_violations(_plant(tmp_path, files))
    assert any(expected in p for p in problems), problems


def test_a_planted_cycle_is_found(tmp_path: Path) -> None:
    package = _plant(
        tmp_path,
        {
            "load/a.py": "from planted.policy import b\n",
            "policy/b.py": "def f():\n    from planted.engine import c\n",
            "engine/c.py": "from planted.load import a\n",
        },
    )
    assert stage_cycles(package) == [("engine", "load", "policy")]


def test_a_planted_heavy_import_is_found_only_at_module_level(tmp_path: Path) -> None:
    package = _plant(
        tmp_path,
        {
            "engine/eager.py": "import numpy as np\n",
            "engine/lazy.py": "def f():\n    import numpy\n",
            "engine/typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    import pandas\n",
        },
    )
    loaded = {"planted.engine.eager", "planted.engine.lazy", "planted.engine.typed"}
    assert heavy_at_top_level(package, loaded) == [
        "planted.engine.eager:1 imports numpy at module level"
    ]


def test_a_clean_planted_package_passes(tmp_path: Path) -> None:
    package = _plant(
        tmp_path,
        {
            "cli/main.py": "import click\nfrom planted.engine import run\n",
            "engine/run.py": "from planted.policy import rules\n",
            "policy/rules.py": "from planted.errors import Problem\n",
            "errors.py": "class Problem(Exception): ...\n",
        },
    )
    assert wall_violations(package) == [] and stage_cycles(package) == []
