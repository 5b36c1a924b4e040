"""Every example in frames/ behaves as its ``# expect:`` line says, through the real ``cadre`` CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import ROOT
from tests.support.cli import cadre, finding_codes, no_traceback

FRAMES = ROOT / "frames"
_EXPECT = re.compile(r"^# expect: (?:(publishes)|fails ([a-z_]+(?:, [a-z_]+)*))\s*$")


@dataclass(frozen=True)
class Example:
    path: Path
    publishes: bool
    codes: frozenset[str]  # the error codes it must fail with (empty when it publishes)
    data: dict[str, Any]

    @property
    def slug(self) -> str:
        return str(self.data["slug"])


def load(path: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    assert len(header) >= 2, f"{path.name}: starts with comments saying what it shows"
    expects = [m for m in map(_EXPECT.match, header) if m]
    assert len(expects) == 1, f"{path.name}: one `# expect: publishes` or `# expect: fails CODE, ...` line"
    publishes, codes = expects[0].group(1) is not None, expects[0].group(2)
    return Example(path, publishes, frozenset(codes.split(", ") if codes else ()), yaml.safe_load(text))


EXAMPLES = [load(p) for p in sorted(FRAMES.glob("*.yaml"))]


def test_frames_holds_the_examples_the_issue_asks_for() -> None:
    passing = [e for e in EXAMPLES if e.publishes]
    assert len([e for e in passing if e.data.get("language", "fr") == "fr"]) >= 3
    assert len([e for e in passing if e.data.get("language") == "en"]) >= 1
    failing = [e for e in EXAMPLES if not e.publishes]
    assert {"audience_everyone"} in [set(e.codes) for e in failing]
    assert {"priority_contradicts_refusal"} in [set(e.codes) for e in failing]
    assert len({e.slug for e in EXAMPLES}) == len(EXAMPLES), "slugs are distinct"


def test_frames_readme_lists_every_example() -> None:
    readme = (FRAMES / "README.md").read_text(encoding="utf-8")
    for example in EXAMPLES:
        assert example.path.name in readme


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.path.stem for e in EXAMPLES])
def test_lint_says_what_the_comment_says(example: Example) -> None:
    result = cadre("frame", "lint", example.path)
    no_traceback(result)
    if example.publishes:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "nothing to clarify" in result.stdout  # not even a warning: examples are exemplary
    else:
        assert result.returncode == 1, result.stdout + result.stderr
        assert set(finding_codes(result.stdout)) == example.codes, result.stdout


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.path.stem for e in EXAMPLES])
def test_import_publish_does_what_the_comment_says(example: Example, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cadre.db"
    result = cadre("frame", "import", example.path, "--publish", database_url=url, cwd=tmp_path)
    no_traceback(result)
    assert f"draft saved: {example.slug} (revision 1)" in result.stdout
    if example.publishes:
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"published: {example.slug} version 1" in result.stdout
        published = "v1"
    else:
        assert result.returncode == 1, result.stdout + result.stderr
        assert "cannot be published" in result.stderr
        assert set(finding_codes(result.stderr)) == example.codes, result.stderr
        published = "-"
    listed = cadre("frame", "list", database_url=url, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert re.search(rf"^{re.escape(example.slug)}\s+published {re.escape(published)}\s", listed.stdout, re.M), \
        listed.stdout
