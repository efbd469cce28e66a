"""The layer rules of CONTRIBUTING.md are enforced by ``make lint`` (import-linter): a module that
imports upwards, or builds a query outside store/, fails the lint step; the tree as it is passes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("baton", "web", "workflows", "activities", "store", "schemas")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of Baton's packages and its lint configuration, to add a probe module to."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.po*"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_tree_keeps_every_layer_rule(tree: Path) -> None:
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and result.stdout.count("KEPT") >= 4


@pytest.mark.parametrize(
    ("module", "source", "rule"),
    [
        ("store/repo/probe.py", "from web.shared import templating\n", "store.repo.probe -> web.shared.templating"),
        ("activities/probe.py", "from workflows import orders\n", "activities.probe -> workflows.orders"),
        ("schemas/kernel/probe.py", "from schemas import orders\n", "schemas.kernel.probe -> schemas.orders"),
        ("web/orders/probe.py", "from sqlalchemy import select\n", "web.orders.probe -> sqlalchemy"),
        ("activities/probe.py", "import sqlalchemy\n", "activities.probe -> sqlalchemy"),
        ("workflows/probe.py", "import httpx\n", "workflows.probe -> httpx"),
    ],
)
def test_an_import_against_the_layers_fails_the_lint_step(tree: Path, module: str, source: str, rule: str) -> None:
    (tree / module).write_text(source, encoding="utf-8")
    result = lint(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and rule in result.stdout
