"""Words of the errors a client sees: the gateway, the management API, the store's outcomes, the upstream."""

from __future__ import annotations

ERRORS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------------------------- any surface
    "error.invalid_request": {
        "fr": "Requête invalide{where} : {detail}.",
        "en": "Invalid request{where}: {detail}.",
    },
    "error.not_found": {"fr": "Introuvable.", "en": "Not found."},
    "error.method_not_allowed": {"fr": "Méthode non permise.", "en": "Method not allowed."},
    "error.database_unavailable": {
        "fr": "La base de données de Cadre est injoignable.",
        "en": "Cadre's database is unreachable.",
    },
    "error.internal_error": {"fr": "Erreur interne de Cadre.", "en": "Cadre internal error."},
    "error.rate_limited": {
        "fr": "Limite de {limit} requêtes par minute atteinte pour cette clé : réessayez dans {retry_after} s.",
        "en": "Rate limit of {limit} requests per minute reached for this key: retry in {retry_after} s.",
    },
    # ------------------------------------------------------------------------------------------ gateway
    "error.body_too_large": {
        "fr": "Corps de requête trop grand (plus de {limit} octets).",
        "en": "Request body too large (over {limit} bytes).",
    },
    "error.client_disconnected": {
        "fr": "Le client est parti avant la fin de sa requête.",
        "en": "The client left before its request was whole.",
    },
    "error.unknown_endpoint": {"fr": "Point d'accès inconnu.", "en": "Unknown endpoint."},
    "error.invalid_api_key": {"fr": "Clé d'API inconnue ou révoquée.", "en": "Unknown or revoked API key."},
    "error.body_not_json": {
        "fr": "Le corps de la requête n'est pas du JSON valide.",
        "en": "The request body is not valid JSON.",
    },
    "error.body_not_object": {
        "fr": "Le corps de la requête doit être un objet JSON.",
        "en": "The request body must be a JSON object.",
    },
    "error.model_required": {"fr": "« model » est obligatoire (texte).", "en": "“model” is required (a string)."},
    "error.body_too_deep": {
        "fr": "Le corps de la requête est imbriqué trop profondément (250 niveaux au plus).",
        "en": "The request body is nested too deeply (250 levels at most).",
    },
    "error.model_invalid": {
        "fr": "« model » : un nom de {maximum} caractères au plus, sans caractère de contrôle.",
        "en": "“model”: a name of {maximum} characters at most, without control characters.",
    },
    "error.prompt_field": {
        "fr": "Le champ « {field} » change la façon dont le modèle en amont construit le prompt et pourrait en "
        "retirer le cadre : Cadre le refuse (un opérateur peut l'autoriser avec CADRE_ALLOWED_PROMPT_FIELDS).",
        "en": "The field “{field}” changes how the upstream builds the prompt and could drop the frame from it: "
        "Cadre refuses it (an operator may allow it with CADRE_ALLOWED_PROMPT_FIELDS).",
    },
    "error.stream_boolean": {"fr": "« stream » doit être vrai ou faux.", "en": "“stream” must be a boolean."},
    "error.field_required": {"fr": "« {field} » est obligatoire.", "en": "“{field}” is required."},
    "error.prompt_type": {
        "fr": "« prompt » doit être un texte ou une liste.",
        "en": "“prompt” must be a string or a list.",
    },
    "error.prompt_tokens": {
        "fr": "« prompt » doit être un texte ou une liste de textes : Cadre ne peut pas injecter le cadre dans "
        "des jetons.",
        "en": "“prompt” must be a string or a list of strings: Cadre cannot inject the frame into token ids.",
    },
    "error.input_type": {
        "fr": "« input » doit être un texte ou une liste.",
        "en": "“input” must be a string or a list.",
    },
    "error.instructions_type": {"fr": "« instructions » doit être un texte.", "en": "“instructions” must be a string."},
    "error.messages_list": {
        "fr": "« messages » doit être une liste non vide.",
        "en": "“messages” must be a non-empty list.",
    },
    "error.message_role": {
        "fr": "messages[{index}] doit être un objet avec un « role ».",
        "en": "messages[{index}] must be an object with a “role”.",
    },
    # ------------------------------------------------------------------------------------------ upstream
    "error.upstream_unavailable": {
        "fr": "Le modèle en amont est injoignable ({kind}).",
        "en": "The upstream model is unreachable ({kind}).",
    },
    "error.upstream_timeout": {
        "fr": "Le modèle en amont n'a pas répondu à temps.",
        "en": "The upstream model did not answer in time.",
    },
    "error.upstream_deadline": {
        "fr": "La requête au modèle en amont a dépassé sa durée totale permise (CADRE_UPSTREAM_TOTAL_TIMEOUT).",
        "en": "The request to the upstream model went past its total allowed time (CADRE_UPSTREAM_TOTAL_TIMEOUT).",
    },
    "error.upstream_busy_full": {
        "fr": "Les {connections} connexions vers le modèle en amont sont occupées et trop de requêtes attendent "
        "déjà : réessayez dans un instant.",
        "en": "All {connections} connections to the upstream model are busy and too many requests are already "
        "waiting: retry in a moment.",
    },
    "error.upstream_busy_wait": {
        "fr": "Les {connections} connexions vers le modèle en amont sont restées occupées trop longtemps : "
        "réessayez dans un instant.",
        "en": "All {connections} connections to the upstream model stayed busy for too long: retry in a moment.",
    },
    "error.upstream_broken": {
        "fr": "La réponse du modèle en amont s'est interrompue ({kind}).",
        "en": "The upstream answer broke off ({kind}).",
    },
    "error.upstream_unreadable": {
        "fr": "Le modèle en amont a répondu dans un encodage que Cadre ne sait pas lire ({encoding}).",
        "en": "The upstream answered in an encoding Cadre cannot read ({encoding}).",
    },
    "error.upstream_key_hidden": {"fr": "[clé amont masquée]", "en": "[upstream key hidden]"},
    # ---------------------------------------------------------------------------------- management API
    "error.invalid_admin_token": {
        "fr": "Jeton d'administration absent ou invalide.",
        "en": "Missing or invalid admin token.",
    },
    "error.too_many_attempts": {
        "fr": "Trop de jetons d'administration erronés : réessayez dans {retry_after} s.",
        "en": "Too many wrong admin tokens: retry in {retry_after} s.",
    },
    "error.invalid_actor": {
        "fr": "x-cadre-actor : un nom de {maximum} caractères au plus, sans caractère de contrôle.",
        "en": "x-cadre-actor: a name of {maximum} characters at most, without control characters.",
    },
    "error.invalid_etag": {
        "fr": "If-Match doit être une ETag de Cadre, par ex. \"4\".",
        "en": "If-Match must be a Cadre ETag, e.g. \"4\".",
    },
    "error.control_characters": {
        "fr": "caractères de contrôle interdits",
        "en": "control characters are not allowed",
    },
    "error.frame_not_published": {
        "fr": "Le cadre « {slug} » n'a pas de version publiée (ou il est archivé) : publiez-le d'abord.",
        "en": "The frame “{slug}” has no published version (or is archived): publish it first.",
    },
    # --------------------------------------------------------------------------------- storage outcomes
    "error.invalid_slug": {
        "fr": "Identifiant de cadre invalide : lettres minuscules, chiffres et tirets (64 au plus).",
        "en": "Invalid frame slug: lower-case letters, digits and hyphens (64 at most).",
    },
    "error.invalid_policy": {
        "fr": "policy : « off », « flag » ou « refuse ».",
        "en": "policy: “off”, “flag” or “refuse”.",
    },
    "error.invalid_refusal_style": {
        "fr": "refusal_style : « error » ou « message ».",
        "en": "refusal_style: “error” or “message”.",
    },
    "error.invalid_rate_limit": {
        "fr": "rate_limit : un nombre de requêtes par minute entre 1 et {maximum}, ou null (sans limite).",
        "en": "rate_limit: requests per minute between 1 and {maximum}, or null (no limit).",
    },
    "error.frame_not_found": {"fr": "Aucun cadre « {slug} ».", "en": "No frame “{slug}”."},
    "error.version_not_found": {
        "fr": "Le cadre « {slug} » n'a pas de version {number}.",
        "en": "Frame “{slug}” has no version {number}.",
    },
    "error.key_not_found": {"fr": "Aucune clé « {key_id} ».", "en": "No key “{key_id}”."},
    "error.person_not_found": {"fr": "Personne « {person_id} » inconnue.", "en": "No person “{person_id}”."},
    "error.name_taken": {"fr": "Quelqu'un de l'équipe porte déjà le nom « {name} ».",
                         "en": "Someone in the team already has the name “{name}”."},
    "error.invalid_name": {"fr": "Un nom est nécessaire.", "en": "A name is needed."},
    "error.invalid_role": {"fr": "Rôle inconnu : owner, editor ou viewer.",
                           "en": "Unknown role: owner, editor or viewer."},
    "error.frame_archived": {
        "fr": "Le cadre « {slug} » est archivé : rétablissez-le (cadre frame unarchive {slug}, "
        "POST /api/frames/{slug}/unarchive, ou enregistrez un brouillon).",
        "en": "The frame “{slug}” is archived: bring it back (cadre frame unarchive {slug}, "
        "POST /api/frames/{slug}/unarchive, or save a draft).",
    },
    "error.revision_changed": {
        "fr": "Ce cadre a été modifié entre-temps (révision {revision}, vous partiez de {expected}) : "
        "rechargez-le, rien n'est perdu.",
        "en": "This frame changed meanwhile (revision {revision}, you started from {expected}): reload it, "
        "nothing is lost.",
    },
    "error.revision_missing": {
        "fr": "Le cadre « {slug} » n'existe pas encore.",
        "en": "The frame “{slug}” does not exist yet.",
    },
    "error.revision_created": {
        "fr": "Ce cadre vient d'être créé par quelqu'un d'autre.",
        "en": "Someone else just created this frame.",
    },
    "error.revision_published": {
        "fr": "Une autre publication vient d'avoir lieu.",
        "en": "Another publication just happened.",
    },
    "error.draft_has_errors": {
        "fr": "Le brouillon ne peut pas être publié : {count} point(s) à clarifier.",
        "en": "The draft cannot be published: {count} point(s) to clarify.",
    },
    "error.no_changes": {
        "fr": "Le brouillon est identique à la version publiée.",
        "en": "The draft is the same as the published version.",
    },
    "error.schema_behind": {
        "fr": "schéma de base en retard ({steps}) : lancez d'abord `cadre migrate`.",
        "en": "database schema is behind ({steps}): run `cadre migrate` first",
    },
}
