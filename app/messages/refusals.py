"""Words of the refusals the gateway sends (in the frame's language) and of what they name."""

from __future__ import annotations

REFUSALS: dict[str, dict[str, str]] = {
    "frame_missing": {
        "fr": "Cadre refuse de générer : le cadre de « {name} » n'a encore aucune version publiée. Ce qui bloque "
        "la publication de son brouillon : {problems}. Complétez-le et publiez-le ici : {url}",
        "en": "Cadre refuses to generate: the frame of “{name}” has no published version yet. What blocks its "
        "draft from being published: {problems}. Complete it and publish it here: {url}",
    },
    "frame_missing_ready": {
        "fr": "Cadre refuse de générer : le cadre de « {name} » n'a encore aucune version publiée. Son brouillon "
        "est prêt : publiez-le ici : {url}",
        "en": "Cadre refuses to generate: the frame of “{name}” has no published version yet. Its draft is "
        "ready: publish it here: {url}",
    },
    "frame_missing_unknown": {
        "fr": "Cadre refuse de générer : le cadre « {slug} » n'existe pas. Écrivez et publiez votre cadre (offre, "
        "public, promesse, priorités, refus) ici : {url}",
        "en": "Cadre refuses to generate: there is no frame “{slug}”. Write and publish your frame (offer, "
        "audience, promise, priorities, refusals) here: {url}",
    },
    "frame_archived": {
        "fr": "Cadre refuse de générer : le cadre de « {name} » est archivé, ses clés ne sont plus servies. Pour "
        "le rétablir, enregistrez son brouillon ici ou lancez `cadre frame unarchive {slug}` : {url}",
        "en": "Cadre refuses to generate: the frame of “{name}” is archived, so its keys are no longer served. "
        "To bring it back, save its draft here or run `cadre frame unarchive {slug}`: {url}",
    },
    "frame_unclear": {
        "fr": "Cadre refuse de générer : le cadre publié de « {name} » (v{version}) n'est pas clair. "
        "À clarifier : {problems}. Corrigez-le et republiez-le ici : {url}",
        "en": "Cadre refuses to generate: the published frame of “{name}” (v{version}) is not clear. "
        "To clarify: {problems}. Fix it and publish again here: {url}",
    },
    "off_frame": {
        "fr": "Cadre refuse cette demande : elle va contre le cadre de « {name} » (v{version}) : {items}. "
        "Si vous voulez vraiment le faire, c'est le cadre qu'il faut clarifier ou changer, ici : {url}",
        "en": "Cadre refuses this request: it goes against the frame of “{name}” (v{version}): {items}. "
        "If you really mean to do it, it is the frame that needs clarifying or changing, here: {url}",
    },
    "off_frame_answer": {
        "fr": "Cadre a retenu la réponse du modèle : elle va contre le cadre de « {name} » (v{version}) : {items}. "
        "Reformulez la demande, ou clarifiez le cadre ici : {url}",
        "en": "Cadre held back the model's answer: it goes against the frame of “{name}” (v{version}): {items}. "
        "Rephrase the request, or clarify the frame here: {url}",
    },
    "off_frame_judge": {
        "fr": "Cadre refuse cette demande : elle va contre le cadre de « {name} » (v{version}) : {items}. "
        "Avis du juge : {why} Si vous voulez vraiment le faire, c'est le cadre qu'il faut clarifier ou changer, "
        "ici : {url}",
        "en": "Cadre refuses this request: it goes against the frame of “{name}” (v{version}): {items}. "
        "The judge's view: {why} If you really mean to do it, it is the frame that needs clarifying or changing, "
        "here: {url}",
    },
}

FINDING_ITEMS: dict[str, dict[str, str]] = {  # how a refusal message names what was hit
    "refusal": {"fr": "le refus « {item} »", "en": "the refusal “{item}”"},
    "lexicon": {"fr": "le terme banni « {item} »", "en": "the banned term “{item}”"},
}

JUDGE: dict[str, dict[str, str]] = {
    "judge_unavailable": {
        "fr": "Cadre ne peut pas vérifier cette demande : le juge du révélateur n'a pas répondu ({reason}), et le "
        "cadre « {slug} » refuse ce qu'il ne peut pas vérifier (CADRE_JUDGE_FAIL=closed). Réessayez dans un instant.",
        "en": "Cadre cannot check this request: the révélateur's judge did not answer ({reason}), and the frame "
        "“{slug}” refuses what it cannot check (CADRE_JUDGE_FAIL=closed). Try again in a moment.",
    },
    "no_explanation": {"fr": "(sans explication)", "en": "(no explanation)"},
}
