"""The catalogue of words: every message in French and English, with the same blanks to fill; no
French/English pair left glued in a literal outside it."""

from __future__ import annotations

import re
import string

from app.messages import MESSAGES, both, text
from tests.support import ROOT


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_is_written_in_french_and_english_with_the_same_blanks():
    assert len(MESSAGES) > 400
    for key, entry in MESSAGES.items():
        assert set(entry) == {"fr", "en"}, key
        assert entry["fr"].strip() and entry["en"].strip(), key
        if key != "date_time":  # dates are written differently: 12/03/2026, 12 Mar 2026
            assert placeholders(entry["fr"]) == placeholders(entry["en"]), key


def test_a_message_is_found_by_key_in_either_language_and_both():
    assert text("error.not_found", "fr") == "Introuvable."
    assert text("error.not_found", "en") == "Not found."
    assert text("error.not_found", "de") == "Introuvable."  # French when Cadre does not speak the language
    assert both("error.frame_not_found", slug="x") == "Aucun cadre « x ». / No frame “x”."


# A French sentence and an English one glued in one literal: "… . / …" with French typography on the left.
GLUED = re.compile(r"""["'][^"'\n]*[a-zéèàù.»)] / [A-Z“][^"'\n]*["']""")


def test_no_french_english_pair_is_written_outside_the_catalogue():
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        if "messages" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if not stripped.startswith("#") and GLUED.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {stripped}")
    assert found == []
