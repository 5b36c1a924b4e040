"""Words the command line prints for people."""

from __future__ import annotations

CLI: dict[str, dict[str, str]] = {
    "cli.nothing_to_clarify": {"fr": "✓ aucun point à clarifier", "en": "nothing to clarify"},
    "cli.configured_token_stays": {
        "fr": "attention : CADRE_ADMIN_TOKEN est défini ici ; les serveurs qui l'utilisent continuent de l'accepter "
        "(le jeton remplacé ici ne compte que là où il n'est pas défini). Changez-le pour changer de jeton.",
        "en": "warning: CADRE_ADMIN_TOKEN is set here; servers using it keep accepting it (the token replaced here "
        "only counts where it is unset). Change it to change the token.",
    },
    "cli.eval_file_missing": {
        "fr": "fichier d'évaluation introuvable : {name}",
        "en": "evaluation file not found: {name}",
    },
}
