"""The package as users get it: one list of public names, lazy loading, a light
``import orsse``, relative standard-library-only imports (so the folder can be vendored),
and the version written in one place."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

import orsse
from _fixtures import TESTS

if TYPE_CHECKING:
    from typing import Set

PACKAGE = TESTS.parent / "orsse"
INIT = PACKAGE / "__init__.py"


def _init_tree() -> ast.Module:
    return ast.parse(INIT.read_text("utf-8"))


def _type_checking_imports() -> Set[str]:
    """Names imported under ``if TYPE_CHECKING:``, each as ``X as X`` (an explicit re-export)."""
    names: Set[str] = set()
    for node in _init_tree().body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom), ast.dump(stmt)
                for alias in stmt.names:
                    assert alias.asname == alias.name, f"{alias.name} is not re-exported as itself"
                    assert alias.name not in names, f"{alias.name} is imported twice"
                    names.add(alias.name)
    return names


def _eager_imports() -> Set[str]:
    names: Set[str] = set()
    for node in _init_tree().body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def test_all_lazy_and_type_checking_imports_name_the_same_things() -> None:
    public = set(orsse.__all__)
    assert len(public) == len(orsse.__all__), "a name is listed twice in __all__"
    lazy = set(orsse._LAZY)
    eager = _eager_imports() - {"__version__"}
    assert not lazy & eager
    assert public == lazy | eager | {"__version__"}
    assert len(orsse._LAZY) == INIT.read_text("utf-8").split("_LAZY = {")[1].split("}")[0].count(":"), (
        "a name is listed twice in _LAZY"
    )
    assert _type_checking_imports() == lazy


def test_every_public_class_and_function_is_in_all() -> None:
    public = {
        name
        for name in dir(orsse)
        if not name.startswith("_") and (inspect.isclass(getattr(orsse, name)) or inspect.isfunction(getattr(orsse, name)))
    }
    assert public <= set(orsse.__all__), public - set(orsse.__all__)
    # and nothing else public leaks out of the package namespace (helpers, imports)
    stray = {name for name in vars(orsse) if not name.startswith("_")} - set(orsse.__all__)
    assert not stray, stray


@pytest.mark.parametrize("name", orsse.__all__)
def test_every_exported_name_resolves_to_the_module_the_table_names(name: str) -> None:
    value = getattr(orsse, name)
    module = orsse._LAZY.get(name)
    if module is not None:
        assert getattr(value, "__module__", None) == f"orsse.{module}", (name, value)


def test_unknown_attributes_still_fail() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        orsse.no_such_name  # noqa: B018


def test_star_import_gives_exactly_all() -> None:
    namespace: dict = {}
    exec("from orsse import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(orsse.__all__)


def test_import_is_light_and_loads_no_network_code() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import orsse\n"
        "added = set(sys.modules) - before\n"
        "heavy = {'urllib.request', 'http.client', 'socket', 'ssl', 'asyncio', 'selectors',\n"
        "         'dataclasses', 'typing', 'json'}\n"
        "assert not heavy & added, heavy & added\n"
        "assert all(m == 'orsse' or m in ('orsse._errors', 'orsse._sse', 'orsse._sse_fast', 'orsse._version')\n"
        "           or not m.startswith('orsse') for m in added), sorted(added)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=TESTS.parent, timeout=60)


def _imports(path: "object") -> "list[tuple[int, int, str]]":
    tree = ast.parse(PACKAGE.joinpath(str(path)).read_text("utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, 0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                out.append((node.lineno, node.level, node.module))
            else:  # `from . import a, b`: each must be a submodule, not a name of __init__
                out += [(node.lineno, node.level, "." + alias.name) for alias in node.names]
    return out


MODULES = sorted(p.name for p in PACKAGE.glob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_imports_are_relative_and_from_the_standard_library(module: str) -> None:
    stdlib = getattr(sys, "stdlib_module_names", None)
    for line, level, name in _imports(module):
        if level:
            # Never the package's own __init__ from below: a lower layer would import the
            # whole public surface (and `from . import x` cycles on first use).
            if name.startswith("."):
                assert PACKAGE.joinpath(name[1:] + ".py").is_file(), (
                    f"{module}:{line}: `from . import {name[1:]}` reaches into orsse/__init__.py"
                )
            continue
        root = name.split(".")[0]
        assert root != "orsse", f"{module}:{line}: absolute import of orsse breaks vendoring"
        if stdlib is not None:
            assert root in stdlib or root == "__future__", f"{module}:{line}: {name} is not in the standard library"


def test_the_version_is_written_once() -> None:
    from orsse import _version

    assert orsse.__version__ == _version.__version__
    pyproject = (TESTS.parent / "pyproject.toml").read_text("utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert 'version = { attr = "orsse._version.__version__" }' in pyproject
    assert _version.__version__ not in pyproject


def test_sdist_manifest_carries_what_the_tests_need() -> None:
    manifest = (TESTS.parent / "MANIFEST.in").read_text("utf-8").split("\n")
    for line in ("graft tests", "graft fixtures", "include LICENSE README.md"):
        assert line in manifest
    assert (TESTS.parent / "LICENSE").read_text("utf-8").startswith("MIT License")


def test_a_vendored_copy_works_under_another_name(tmp_path: "object") -> None:
    """Copy the folder into another package, as the README says, and use it from there."""
    import shutil
    from pathlib import Path

    root = Path(str(tmp_path))
    vendor = root / "yourpkg" / "_vendor"
    vendor.mkdir(parents=True)
    (root / "yourpkg" / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")
    shutil.copytree(PACKAGE, vendor / "orsse", ignore=shutil.ignore_patterns("__pycache__"))
    body = (TESTS.parent / "fixtures" / "seeds" / "kimi-k2_simple.sse").read_bytes()
    code = (
        "import sys\n"
        "from yourpkg._vendor import orsse\n"
        "body = sys.stdin.buffer.read()\n"
        "print(orsse.collect([body]).content)\n"
        "assert 'orsse' not in sys.modules, 'the vendored copy must not need a top-level orsse'\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=body, capture_output=True, cwd=root, timeout=60, check=True
    ).stdout.decode("utf-8")
    assert out.strip() == orsse.collect([body]).content.strip() != ""
