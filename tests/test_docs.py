"""The docs say what the code does: every setting is in the README's table, CI runs the README's command."""

import re

from app.config import Settings
from tests.support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"```(?:bash)?\n(.*?)```", text, flags=re.S)


def test_every_setting_is_in_the_configuration_table():
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(CADRE_[A-Z_]+)`", table, flags=re.M))
    expected = {f"CADRE_{name.upper()}" for name in Settings.model_fields}
    assert expected - documented == set(), "settings missing from the README's configuration table"
    assert documented - expected == set(), "README documents settings that do not exist"


def test_every_setting_has_a_description():
    assert [name for name, field in Settings.model_fields.items() if not field.description] == []


def test_ci_runs_the_readme_test_command_verbatim():
    section = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    run_command, test_command = [b.strip() for b in _code_blocks(section)]
    assert "cadre serve" in run_command
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_quick_start_uses_an_example_frame_that_exists():
    for slug in re.findall(r"cadre frame import (frames/[\w.-]+\.yaml)", README):
        assert (ROOT / slug).is_file(), slug
