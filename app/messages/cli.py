"""Words the command line prints for people."""

from __future__ import annotations

CLI: dict[str, dict[str, str]] = {
    "cli.nothing_to_clarify": {"fr": "✓ aucun point à clarifier", "en": "nothing to clarify"},
    "cli.database": {"fr": "base de données", "en": "database"},
    "cli.new_database": {
        "fr": "aucune base à {path} : une base vide y est créée (CADRE_DATA_DIR ou CADRE_DATABASE_URL pour en "
        "utiliser une autre)",
        "en": "no database at {path}: a new, empty one is created there (CADRE_DATA_DIR or CADRE_DATABASE_URL to "
        "use another)",
    },
    "cli.serve_console": {"fr": "console d'administration", "en": "admin console"},
    "cli.serve_gateway": {"fr": "passerelle OpenAI", "en": "OpenAI gateway"},
    "cli.serve_docs": {"fr": "documentation de l'API", "en": "API documentation"},
    "cli.serve_mcp": {"fr": "serveur MCP", "en": "MCP server"},
    "cli.key_unpublished": {
        "fr": "attention : le cadre « {slug} » n'a encore aucune version publiée ; cette clé sera refusée "
        "(frame_missing) jusqu'à sa publication : {url}",
        "en": "warning: the frame “{slug}” has no published version yet; this key is refused (frame_missing) "
        "until it is published: {url}",
    },
    "cli.archived": {"fr": "archivé : {slug} (son historique est gardé)", "en": "archived: {slug} (history kept)"},
    "cli.unarchived": {"fr": "rétabli : {slug}", "en": "brought back: {slug}"},
    "cli.mcp_no_key": {
        "fr": "CADRE_MCP_KEY manque : la clé client (cadre_sk_...) pour laquelle `cadre mcp` répond",
        "en": "CADRE_MCP_KEY is missing: the client key (cadre_sk_...) `cadre mcp` answers for",
    },
    "cli.mcp_bad_key": {
        "fr": "CADRE_MCP_KEY n'est pas une clé active de cette base ({where})",
        "en": "CADRE_MCP_KEY is not an active key of this database ({where})",
    },
    "cli.eval_semantic_unavailable": {
        "fr": "étape sémantique non mesurée ({reason})",
        "en": "semantic stage not measured ({reason})",
    },
    "cli.configured_token_stays": {
        "fr": "attention : CADRE_ADMIN_TOKEN est défini ici ; les serveurs qui l'utilisent continuent de l'accepter "
        "(le jeton remplacé ici ne compte que là où il n'est pas défini). Changez-le pour changer de jeton.",
        "en": "warning: CADRE_ADMIN_TOKEN is set here; servers using it keep accepting it (the token replaced here "
        "only counts where it is unset). Change it to change the token.",
    },
    "cli.eval_split_unknown": {
        "fr": "jeu inconnu {split!r} : attendu {known}, all, ou plusieurs jeux joints par + (blind15+blind16)",
        "en": "unknown split {split!r}: expected {known}, all, or several splits joined by + (blind15+blind16)",
    },
    "cli.eval_file_missing": {
        "fr": "fichier d'évaluation introuvable : {name}",
        "en": "evaluation file not found: {name}",
    },
}
