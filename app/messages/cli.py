"""Words the command line prints for people."""

from __future__ import annotations

CLI: dict[str, dict[str, str]] = {
    "cli.nothing_to_clarify": {"fr": "✓ aucun point à clarifier", "en": "nothing to clarify"},
    "cli.eval_semantic_unavailable": {
        "fr": "étape sémantique non mesurée ({reason})",
        "en": "semantic stage not measured ({reason})",
    },
    "cli.eval_file_missing": {
        "fr": "fichier d'évaluation introuvable : {name}",
        "en": "evaluation file not found: {name}",
    },
}
