"""User-facing strings of the API and the clarity rules, in French and English. Pure."""

from __future__ import annotations

from typing import Literal

Language = Literal["fr", "en"]

FIELD_LABELS: dict[str, dict[str, str]] = {
    "name": {"fr": "Nom", "en": "Name"},
    "offer": {"fr": "Offre", "en": "Offer"},
    "audience": {"fr": "Public visé", "en": "Audience"},
    "secondary_audiences": {"fr": "Publics secondaires", "en": "Secondary audiences"},
    "need": {"fr": "Besoin", "en": "Need"},
    "promise": {"fr": "Promesse", "en": "Promise"},
    "priorities": {"fr": "Priorités", "en": "Priorities"},
    "refusals": {"fr": "Refus", "en": "Refusals"},
    "alternatives": {"fr": "Alternatives", "en": "Alternatives"},
    "proof": {"fr": "Preuves", "en": "Proof"},
    "voice": {"fr": "Voix", "en": "Voice"},
    "lexicon": {"fr": "Lexique", "en": "Lexicon"},
    "language": {"fr": "Langue", "en": "Language"},
    "review_by": {"fr": "À revoir le", "en": "Review by"},
}

LINT: dict[str, dict[str, str]] = {
    "required": {
        "fr": "« {label} » est obligatoire : écrivez-le en une phrase concrète.",
        "en": "“{label}” is required: write it as one concrete sentence.",
    },
    "placeholder": {
        "fr": "« {label} » contient un texte provisoire (« {value} ») : remplacez-le par une vraie décision.",
        "en": "“{label}” holds a placeholder (“{value}”): replace it with a real decision.",
    },
    "audience_everyone": {
        "fr": "« {label} » s'adresse à tout le monde (« {value} ») : nommez qui vous servez vraiment.",
        "en": "“{label}” addresses everyone (“{value}”): name who you really serve.",
    },
    "offer_generic": {
        "fr": "L'offre n'est faite que de mots génériques (« {value} ») : dites ce que vous vendez "
        "concrètement.",
        "en": "The offer is made only of generic words (“{value}”): say what you concretely sell.",
    },
    "promise_sentences": {
        "fr": "La promesse tient en une seule phrase ; elle en compte {count}.",
        "en": "The promise must be one sentence; it has {count}.",
    },
    "promise_too_long": {
        "fr": "La promesse dépasse 200 caractères ({count}) : resserrez-la.",
        "en": "The promise is over 200 characters ({count}): tighten it.",
    },
    "priorities_count": {
        "fr": "Il faut de 1 à 3 priorités classées ; il y en a {count}.",
        "en": "There must be 1 to 3 ranked priorities; there are {count}.",
    },
    "priority_duplicate": {
        "fr": "La priorité « {value} » apparaît deux fois.",
        "en": "The priority “{value}” appears twice.",
    },
    "refusal_missing": {
        "fr": "Aucun refus : écrivez au moins une chose à laquelle vous dites non.",
        "en": "No refusal: write at least one thing you say no to.",
    },
    "priority_contradicts_refusal": {
        "fr": "La priorité « {value} » contredit le refus « {other} ».",
        "en": "The priority “{value}” contradicts the refusal “{other}”.",
    },
    "secondary_audiences_count": {
        "fr": "Deux publics secondaires au plus ; il y en a {count}.",
        "en": "At most two secondary audiences; there are {count}.",
    },
    "refusals_few": {
        "fr": "Moins de 3 refus ({count}) : un cadre clair dit non à plusieurs choses.",
        "en": "Fewer than 3 refusals ({count}): a clear frame says no to several things.",
    },
    "need_missing": {
        "fr": "Le besoin auquel l'offre répond n'est pas écrit (recommandé).",
        "en": "The need the offer answers is not written (recommended).",
    },
    "proof_missing": {
        "fr": "Aucune preuve (références, chiffres, avis) : la promesse n'est pas étayée (recommandé).",
        "en": "No proof (references, figures, reviews): the promise is unsupported (recommended).",
    },
    "alternatives_missing": {
        "fr": "Les alternatives de vos clients (ce qu'ils feraient sans vous) ne sont pas écrites "
        "(recommandé).",
        "en": "Your customers' alternatives (what they would do without you) are not written (recommended).",
    },
    "review_overdue": {
        "fr": "La date de revue ({value}) est passée : relisez le cadre.",
        "en": "The review date ({value}) has passed: read the frame again.",
    },
    "banned_term_used": {
        "fr": "« {label} » emploie le terme banni « {value} ».",
        "en": "“{label}” uses the banned term “{value}”.",
    },
}

REFUSAL: dict[str, dict[str, str]] = {
    "frame_missing": {
        "fr": "Cadre refuse de générer : le cadre « {slug} » n'a encore aucune version publiée. "
        "Écrivez et publiez votre cadre (offre, public, promesse, priorités, refus) ici : {url}",
        "en": "Cadre refuses to generate: the frame “{slug}” has no published version yet. "
        "Write and publish your frame (offer, audience, promise, priorities, refusals) here: {url}",
    },
    "frame_unclear": {
        "fr": "Cadre refuse de générer : le cadre publié « {slug} » (v{version}) n'est pas clair. "
        "À clarifier : {problems}. Corrigez-le et republiez-le ici : {url}",
        "en": "Cadre refuses to generate: the published frame “{slug}” (v{version}) is not clear. "
        "To clarify: {problems}. Fix it and publish again here: {url}",
    },
    "off_frame": {
        "fr": "Cadre refuse cette demande : elle va contre le cadre « {slug} » (v{version}) : {items}. "
        "Si vous voulez vraiment le faire, c'est le cadre qu'il faut clarifier ou changer, ici : {url}",
        "en": "Cadre refuses this request: it goes against the frame “{slug}” (v{version}): {items}. "
        "If you really mean to do it, it is the frame that needs clarifying or changing, here: {url}",
    },
    "off_frame_answer": {
        "fr": "Cadre a retenu la réponse du modèle : elle va contre le cadre « {slug} » (v{version}) : {items}. "
        "Reformulez la demande, ou clarifiez le cadre ici : {url}",
        "en": "Cadre held back the model's answer: it goes against the frame “{slug}” (v{version}): {items}. "
        "Rephrase the request, or clarify the frame here: {url}",
    },
    "off_frame_judge": {
        "fr": "Cadre refuse cette demande : elle va contre le cadre « {slug} » (v{version}) : {items}. "
        "Avis du juge : {why} Si vous voulez vraiment le faire, c'est le cadre qu'il faut clarifier ou changer, "
        "ici : {url}",
        "en": "Cadre refuses this request: it goes against the frame “{slug}” (v{version}): {items}. "
        "The judge's view: {why} If you really mean to do it, it is the frame that needs clarifying or changing, "
        "here: {url}",
    },
}

JUDGE_UNAVAILABLE = (
    "Cadre ne peut pas vérifier cette demande : le juge du révélateur n'a pas répondu ({reason}), et le cadre "
    "« {slug} » refuse ce qu'il ne peut pas vérifier (CADRE_JUDGE_FAIL=closed). Réessayez dans un instant. / "
    "Cadre cannot check this request: the révélateur's judge did not answer ({reason}), and the frame “{slug}” "
    "refuses what it cannot check (CADRE_JUDGE_FAIL=closed). Try again in a moment."
)

FINDING_ITEMS: dict[str, dict[str, str]] = {  # how a refusal message names what was hit
    "refusal": {"fr": "le refus « {item} »", "en": "the refusal “{item}”"},
    "lexicon": {"fr": "le terme banni « {item} »", "en": "the banned term “{item}”"},
}

ERRORS: dict[str, dict[str, str]] = {
    "invalid_api_key": {
        "fr": "Clé d'API inconnue ou révoquée.",
        "en": "Unknown or revoked API key.",
    },
    "admin_token": {
        "fr": "Jeton d'administration absent ou invalide.",
        "en": "Missing or invalid admin token.",
    },
}


def lint_message(code: str, language: str, field: str, **values: object) -> str:
    """The message of a clarity finding, in ``language``."""
    lang = language if language in ("fr", "en") else "fr"
    label = FIELD_LABELS.get(field.split("[")[0].split(".")[0], {}).get(lang, field)
    return LINT[code][lang].format(label=label, **values)


def field_label(field: str, language: str) -> str:
    """The readable name of a frame field."""
    return FIELD_LABELS.get(field, {}).get(language, field)
