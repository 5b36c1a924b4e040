"""Words of the API's own documentation (the OpenAPI description of the /v1 gateway)."""

from __future__ import annotations

DOCS: dict[str, dict[str, str]] = {
    "docs.400": {"fr": "Requête invalide (rien n'est transmis).", "en": "Invalid request (nothing is forwarded)."},
    "docs.401": {"fr": "Clé inconnue ou révoquée.", "en": "Unknown or revoked key."},
    "docs.409": {
        "fr": "Aucun cadre publié, ou cadre pas clair (frame_missing, frame_unclear).",
        "en": "No published frame, or an unclear one.",
    },
    "docs.413": {"fr": "Corps trop grand (CADRE_MAX_BODY_BYTES).", "en": "Body too large."},
    "docs.429": {
        "fr": "Limite de requêtes par minute de la clé (Retry-After).",
        "en": "The key's requests per minute (Retry-After).",
    },
    "docs.502": {"fr": "Modèle en amont injoignable.", "en": "Upstream unreachable."},
    "docs.503": {
        "fr": "Juge du révélateur indisponible, politique refuse, CADRE_JUDGE_FAIL=closed.",
        "en": "The judge is unavailable.",
    },
    "docs.504": {"fr": "Modèle en amont trop lent.", "en": "Upstream timed out."},
    "docs.200": {"fr": "La réponse du modèle (ou de cadre-preview).", "en": "The model's answer."},
    "docs.default": {
        "fr": "Erreur du modèle en amont, relayée telle quelle.",
        "en": "The upstream's own error, relayed as it is.",
    },
    "docs.models": {"fr": "Modèles.", "en": "Models."},
}
