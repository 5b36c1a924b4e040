"""Every console string exists in French and in English, and every string a template asks for exists."""

from __future__ import annotations

import re

from app.console.forms import FIELD_ORDER
from app.console.pages import NOTICES, OUTCOMES
from app.console.views import STEP_NAMES
from app.messages import MESSAGES
from app.messages import formats as strings
from tests.support import ROOT

TEMPLATES = ROOT / "app" / "console" / "templates"


def test_every_string_a_template_names_exists():
    named: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        named |= set(re.findall(r"\bt\([\"']([a-z0-9_.]+)[\"']\s*[,)]", source))  # not t("hint_" ~ path)
        counted = re.findall(r"\bv\.count\([\"']([a-z0-9_]+)[\"']\s*,", source)
        named |= {f"{key}_{form}" for key in counted for form in ("one", "other")}
    assert named, "no string found: the pattern no longer matches the templates"
    assert sorted(named - set(MESSAGES)) == []


def test_every_string_built_from_a_name_exists():
    families = [f"notice_{n}" for n in NOTICES]
    families += [f"guide_{step}_{part}" for step in STEP_NAMES
                 for part in ("short", "question", "why", "example", "avoid", "rules")]
    families += [f"hint_{path}" for path in FIELD_ORDER]
    families += [f"outcome_{o}" for o in OUTCOMES]
    families += [f"traffic_{o}_{n}" for o in OUTCOMES for n in ("one", "other")]
    families += [f"address_{a}" for a in ("vous", "tu", "none")] + ["language_fr", "language_en"]
    families += [f"keys_style_{s}{h}" for s in ("error", "message", "text") for h in ("", "_hint")]
    families += [f"diff_item_{k}" for k in ("added", "removed", "changed", "moved")]
    families += [f"finding_{s}" for s in ("error", "warning")]
    assert sorted(set(families) - set(MESSAGES)) == []


def test_every_field_has_a_label_in_both_languages():
    for path in FIELD_ORDER:
        for lang in strings.LANGUAGES:
            assert strings.field_label(path, lang) != path, (path, lang)
    assert strings.field_label("priorities[1]", "fr") == "Priorités 2"
    assert strings.field_label("lexicon.banned", "en") == "Banned words"
