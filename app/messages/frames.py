"""Words of the frame: field names and the clarity rules' findings (in the frame's own language)."""

from __future__ import annotations

FIELDS: dict[str, dict[str, str]] = {
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
    "watch": {"fr": "Ce que Cadre surveille", "en": "What Cadre watches for"},
}

LINT: dict[str, dict[str, str]] = {
    "watch_orphan": {
        "fr": "Une liste de mots surveillés vise le refus « {value} », qui n'est plus dans le cadre : elle ne "
              "surveille plus rien.",
        "en": "A watch list is for the refusal “{value}”, which is no longer in the frame: it watches nothing.",
    },
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
    "promise_generic": {
        "fr": "La promesse « {value} » n'est faite que de mots que toute entreprise peut dire : promettez un "
        "résultat que le client peut vérifier (un délai, un prix, une garantie précise, un lieu).",
        "en": "The promise “{value}” is made only of words any business could say: promise a result the "
        "customer can check (a delay, a price, a precise guarantee, a place).",
    },
    "priority_generic": {
        "fr": "La priorité « {value} » est le but de toute entreprise : dites ce qui passe en premier chez vous, "
        "pour qui, et comment vous le verrez (ex. « Réparer en 48 h les vélos des cyclistes du quartier »).",
        "en": "The priority “{value}” is every business's goal: say what comes first for you, for whom, and how "
        "you will see it (e.g. “Close every client's books by the 5th of the month”).",
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
