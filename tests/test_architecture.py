"""The package's layout holds: layers import one way, no cycles, no private imports, small parts."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "consolidation"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_import_contract_is_kept():
    proc = lint_imports(REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def lint_a_copy_with(tmp_path: Path, module: str, added: str) -> str:
    """lint-imports' report on a copy of the package with `added` appended to one module."""
    shutil.copytree(PACKAGE, tmp_path / "src" / "consolidation")
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    path = tmp_path / "src" / "consolidation" / module
    path.write_text(path.read_text() + added)
    proc = lint_imports(tmp_path)
    assert proc.returncode != 0
    return proc.stdout


def test_an_import_against_the_layers_breaks_the_contract(tmp_path):
    """The model importing the presentation layer (even inside a function) is caught."""
    added = "\n\ndef _figure():\n    from consolidation.present import plots\n"
    report = lint_a_copy_with(tmp_path, "model/network.py", added)
    assert "consolidation.model.network -> consolidation.present.plots" in report


def test_a_cycle_within_a_layer_breaks_the_contract(tmp_path):
    added = "\n\ndef _net():\n    from consolidation.model import network\n"
    report = lint_a_copy_with(tmp_path, "model/parameters.py", added)
    assert "No import cycles between the modules of a layer BROKEN" in report


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text())


def test_no_module_imports_another_modules_private_names():
    found = [
        f"{name}: from {node.module} import {alias.name}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("consolidation")
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert not found


def test_modules_and_functions_fit_in_one_sitting():
    long_modules, long_functions = set(), set()
    for name, tree in _modules():
        if (PACKAGE / name).read_text().count("\n") > MAX_MODULE_LINES:
            long_modules.add(name)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                    long_functions.add(f"{name}:{node.name}")
    assert not long_modules, sorted(long_modules)
    assert not long_functions, sorted(long_functions)


def test_ruff_finds_nothing_to_fix_or_reformat():
    ruff = Path(sys.executable).with_name("ruff")
    for args in (["check", "."], ["format", "--check", "."]):
        proc = subprocess.run([str(ruff), *args], cwd=REPO, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
