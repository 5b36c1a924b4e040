"""The shape of the code, checked: app/'s layers (import-linter's contracts in pyproject.toml, run by its own
command), modules under 400 lines but data tables, every third-party package the tests import declared in
pyproject.toml, and the tests' helpers in tests/support (no test module imports another one or conftest)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support import ROOT

MAX_LINES = 400
DATA_TABLES = ["app/revelateur/concepts.py", "app/frames/wordlists.py", "app/messages/*.py"]  # words, not code


def test_the_import_contracts_hold() -> None:
    """Layers point down only, the domain does no I/O: import-linter's contracts ([tool.importlinter])."""
    command = Path(sys.executable).with_name("lint-imports")
    assert command.exists(), f"{command} is missing: pip install -e '.[test]' installs import-linter"
    done = subprocess.run([str(command), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout, done.stdout


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _code_modules() -> list[Path]:
    """Every module of app/ but the data tables."""
    tables = {path for pattern in DATA_TABLES for path in ROOT.glob(pattern)}
    return sorted(path for path in (ROOT / "app").rglob("*.py") if path not in tables)


def test_no_module_of_app_is_over_400_lines_but_data_tables() -> None:
    over = {str(p.relative_to(ROOT)): _lines(p) for p in _code_modules() if _lines(p) > MAX_LINES}
    assert not over, f"over {MAX_LINES} lines (split the second job out): {over}"


# -------------------------------------------------------------------------------------------- the tests
def _test_sources() -> list[Path]:
    return sorted((ROOT / "tests").rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """The absolute module names ``path`` imports (``import a.b`` and ``from a.b import c``: ``a.b``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    """The distributions pyproject.toml declares: the project's dependencies and its test extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    return {_normalise(re.match(r"[A-Za-z0-9._-]+", requirement)[0]) for requirement in requirements}


def undeclared_imports() -> dict[str, list[str]]:
    """Third-party modules the tests import whose distribution pyproject.toml does not declare: {module: files}."""
    distributions = importlib.metadata.packages_distributions()
    declared = _declared()
    missing: dict[str, list[str]] = {}
    for path in _test_sources():
        for module in sorted({name.split(".")[0] for name in _imports(path)}):
            if module in sys.stdlib_module_names or module in ("app", "tests"):
                continue
            names = {_normalise(d) for d in distributions.get(module, [module])}
            if not names & declared:
                missing.setdefault(module, []).append(str(path.relative_to(ROOT)))
    return missing


def test_every_package_the_tests_import_is_declared() -> None:
    """A test's third-party import is in pyproject.toml: the project's dependencies or the test extra (a clean
    ``pip install -e '.[test]'`` must be enough to run the suite)."""
    assert undeclared_imports() == {}


def test_the_declared_check_sees_an_undeclared_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: a test importing a package pyproject.toml does not name is reported."""
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_x.py").write_text("import json\nimport httpx2\nimport yaml\nfrom app.config import Settings\n")
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["PyYAML>=6"]\n'
                                             '[project.optional-dependencies]\ntest = ["pytest>=8"]\n')
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert undeclared_imports() == {"httpx2": ["tests/test_x.py"]}


def test_no_test_module_imports_another_or_conftest() -> None:
    """Shared helpers live in tests/support; conftest.py holds fixtures only."""
    wrong = {str(path.relative_to(ROOT)): sorted(bad) for path in _test_sources()
             if (bad := {name for name in _imports(path)
                         if name == "tests.conftest" or name.startswith(("tests.test_", "conftest", "test_"))})}
    assert wrong == {}
