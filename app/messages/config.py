"""Words of Cadre's configuration: the settings and the upstreams file (every problem listed at start)."""

from __future__ import annotations

CONFIG: dict[str, dict[str, str]] = {
    "config.invalid": {"fr": "configuration invalide", "en": "invalid configuration"},
    "config.upstream_no_key": {
        "fr": "l'amont {url} n'a pas de clé (CADRE_UPSTREAM_API_KEY, ou api_key_env dans CADRE_UPSTREAMS_FILE) : "
        "les noms de modèles réels y seront refusés ; seul cadre-preview répond sans amont",
        "en": "the upstream {url} has no key (CADRE_UPSTREAM_API_KEY, or api_key_env in CADRE_UPSTREAMS_FILE): "
        "real model names will be refused there; only cadre-preview answers without an upstream",
    },
    "config.semantic_invalid": {"fr": "étape sémantique du révélateur mal réglée : {reason}",
                                "en": "the révélateur's semantic stage is misconfigured: {reason}"},
    "config.admin_token_short": {
        "fr": "le jeton d'administration choisi doit compter au moins {minimum} caractères (il protège toute "
        "l'entreprise) ; laissez CADRE_ADMIN_TOKEN vide pour que Cadre en génère un",
        "en": "a chosen admin token must be at least {minimum} characters long (it guards the whole business); "
        "leave CADRE_ADMIN_TOKEN unset to have Cadre generate one",
    },
    "config.bad_proxy_address": {
        "fr": "« {entry} » n'est ni une adresse IP ni un réseau (ex. 10.0.0.5 ou 10.0.0.0/24)",
        "en": "“{entry}” is neither an IP address nor a network (e.g. 10.0.0.5 or 10.0.0.0/24)",
    },
    "config.unknown_prompt_field": {
        "fr": "champ inconnu : {names} (connus : {known})",
        "en": "unknown field: {names} (known: {known})",
    },
    "config.bad_proxy_url": {
        "fr": "une URL de proxy http:// est attendue, ex. http://proxy.exemple:3128",
        "en": "an http:// proxy URL is expected, e.g. http://proxy.example:3128",
    },
    "upstreams.invalid_file": {"fr": "{path} : fichier des amonts invalide.", "en": "{path}: invalid upstreams file."},
    "upstreams.unreadable": {"fr": "illisible ({kind}).", "en": "cannot be read ({kind})."},
    "upstreams.invalid_yaml": {"fr": "YAML invalide{where}.", "en": "invalid YAML{where}."},
    "upstreams.list_expected": {
        "fr": "une clé « upstreams » avec une liste d'amonts est attendue.",
        "en": "an “upstreams” key holding a list of upstreams is expected.",
    },
    "upstreams.unknown_key": {"fr": "clé inconnue « {key} ».", "en": "unknown key “{key}”."},
    "upstreams.entry": {"fr": "entrée {number}", "en": "entry {number}"},
    "upstreams.entry_named": {"fr": "entrée {number} ({name})", "en": "entry {number} ({name})"},
    "upstreams.entry_shape": {
        "fr": "{entry} : name, base_url et models sont attendus.",
        "en": "{entry}: name, base_url and models are expected.",
    },
    "upstreams.name_taken": {
        "fr": "{entry} : le nom « {name} » est déjà pris.",
        "en": "{entry}: the name “{name}” is already taken.",
    },
    "upstreams.model_taken": {
        "fr": "{entry} : « {pattern} » est déjà routé vers « {owner} ».",
        "en": "{entry}: “{pattern}” is already routed to “{owner}”.",
    },
    "upstreams.bad_name": {
        "fr": "{entry} : « name » manque ou n'est pas un nom (lettres, chiffres, . _ -, 40 au plus, "
        "pas « {default} »).",
        "en": "{entry}: “name” is missing or not a name (letters, digits, . _ -, 40 at most, not “{default}”).",
    },
    "upstreams.unknown_field": {"fr": "{entry} : champ inconnu « {key} ».", "en": "{entry}: unknown field “{key}”."},
    "upstreams.bad_base_url": {
        "fr": "{entry} : « base_url » manque ou n'est pas une URL http(s).",
        "en": "{entry}: “base_url” is missing or not an http(s) URL.",
    },
    "upstreams.bad_models": {
        "fr": "{entry} : « models » doit être une liste de noms de modèles.",
        "en": "{entry}: “models” must be a list of model names.",
    },
    "upstreams.bad_pattern": {
        "fr": "{entry} : « {pattern} » : une étoile seulement, à la fin d'un préfixe (les autres modèles vont à "
        "l'amont par défaut).",
        "en": "{entry}: “{pattern}”: one star only, at the end of a prefix (the other models go to the default "
        "upstream).",
    },
    "upstreams.two_keys": {
        "fr": "{entry} : « api_key » ou « api_key_env », pas les deux.",
        "en": "{entry}: “api_key” or “api_key_env”, not both.",
    },
    "upstreams.bad_key_env": {
        "fr": "{entry} : « api_key_env » doit être un nom de variable d'environnement.",
        "en": "{entry}: “api_key_env” must be the name of an environment variable.",
    },
    "upstreams.key_env_unset": {
        "fr": "{entry} : la variable {variable} (api_key_env) n'est pas définie ou est vide.",
        "en": "{entry}: the variable {variable} (api_key_env) is not set or empty.",
    },
    "upstreams.bad_key": {
        "fr": "{entry} : « api_key » doit être un texte.",
        "en": "{entry}: “api_key” must be a string.",
    },
}
