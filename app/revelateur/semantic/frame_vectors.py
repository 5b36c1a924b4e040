"""A published version, embedded once, and the score of one request against it. Pure (plain floats: scoring a
request is a few dozen dot products, about 1 ms in Python for 512 dimensions; no numpy, so that the upstream
backend needs none).

The score, the best of those measured (docs/decisions.md): each refusal is two passages, as written ("Pas de
vente de vélos neufs") and without its "Pas de" / "No" ("vente de vélos neufs"), and a third with its watch
list when it has one ("vente de vélos neufs : Moustache, VTT Cube"); the margin is the highest
cosine to those, minus the highest cosine to the positives: offer, promise, priorities, need, audience,
secondary audiences and proof, a few everyday tasks of the frame's language (anchors), and each refusal turned
into ways of declining it ("Explain to a customer that there is no payroll outsourcing"), since talking about a
refusal is not asking for it. The nearest priority attributes the request when it is closer to that priority
than to every everyday task by ``PRIORITY_MARGIN``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from app.frames.model import Frame
from app.revelateur.checker import watch_words
from app.revelateur.places import measured
from app.revelateur.semantic.backends import Matrix, Vector, dot

PRIORITY_MARGIN = 0.0  # not measured (no labels for priorities): closer to the priority than to everyday work

ANCHORS: Mapping[str, tuple[str, ...]] = {
    "fr": (
        "Rédige une relance polie pour une facture impayée",
        "Écris un message pour annoncer nos horaires d'ouverture pendant les vacances",
        "Rédige une offre d'emploi pour un poste à temps partiel",
        "Écris un mot de remerciement à un client fidèle",
        "Corrige les fautes d'orthographe de ce texte",
        "Traduis ce paragraphe en anglais",
        "Réponds à un avis Google positif",
        "Écris un e-mail pour déplacer un rendez-vous",
        "Propose un objet pour la newsletter du mois",
        "Résume ce document en trois points",
    ),
    "en": (
        "Write a polite reminder for an unpaid invoice",
        "Write a notice with our opening hours over the holidays",
        "Draft a job ad for a part-time position",
        "Write a thank-you note to a loyal customer",
        "Proofread this text and fix the spelling",
        "Translate this paragraph into French",
        "Reply to a positive Google review",
        "Write an email to move an appointment",
        "Suggest a subject line for this month's newsletter",
        "Summarise this document in three bullet points",
    ),
}
DECLINES: Mapping[str, tuple[str, ...]] = {
    "fr": ("Expliquer à un client qu'il n'y a {lower}", "Refuser poliment une demande : {refusal}"),
    "en": ("Explain to a customer that there is {lower}", "Politely decline a request: {refusal}"),
}
_NEGATION: Mapping[str, re.Pattern[str]] = {
    "fr": re.compile(r"^\s*(?:pas|aucune?|jamais|plus)\s+(?:de\s+|d['’]\s*|du\s+|des\s+)?", re.IGNORECASE),
    "en": re.compile(r"^\s*(?:no|never|not|nothing)\s+", re.IGNORECASE),
}
_FR_NOR = re.compile(r"\bni\b", re.IGNORECASE)


def affirmative(refusal: str, language: str) -> str | None:
    """The refused thing itself: "Pas de vente de vélos neufs" -> "vente de vélos neufs" ("ni" -> "ou"),
    "No home visits" -> "home visits"; None when the refusal does not start with a negation."""
    stripped = _NEGATION[language].sub("", refusal, count=1)
    if language == "fr":
        stripped = _FR_NOR.sub("ou", stripped)
    if stripped == refusal:
        return None
    return stripped.strip() or None


class Passages(NamedTuple):
    """The texts a version is embedded from, in order, and where each part starts."""

    texts: list[str]
    refusal_of: list[int]  # the refusal of each of the first len(refusal_of) texts
    positives: int  # texts after the refusals that pull towards "fits" and may be a priority
    priority_start: int  # within the positives


def passages(frame: Frame) -> Passages:
    """The texts to embed for ``frame``: refusals (as written, then affirmative), positives, anchors, declines."""
    lang = frame.language
    refusals = [r for r in frame.refusals if r.strip()]
    seen = [i for i, r in enumerate(refusals) if not measured(r, lang)]  # a line of place, size or time: words only
    texts = [refusals[i] for i in seen]
    refusal_of = list(seen)
    for i in seen:
        stated = affirmative(refusals[i], lang)
        if stated:
            texts.append(stated)
            refusal_of.append(i)
    watched = watch_words(frame)
    for i, refusal in enumerate(refusals):
        if watched.get(refusal):  # the owner's words say what the refusal covers: "vins effervescents : crémant, ..."
            texts.append(f"{affirmative(refusal, lang) or refusal} : {', '.join(watched[refusal])}")
            refusal_of.append(i)
    others = [t for t in (frame.offer, frame.promise, frame.need, frame.audience) if t]
    others += [t for t in (*frame.secondary_audiences, *frame.proof) if t]
    texts += others
    priorities = [p for p in frame.priorities if p.strip()]
    texts += priorities
    texts += ANCHORS[lang]
    texts += [t.format(refusal=r, lower=r[:1].lower() + r[1:]) for r in refusals for t in DECLINES[lang]]
    return Passages(texts, refusal_of, len(others) + len(priorities), len(others))


class Score(NamedTuple):
    """One request against a version."""

    margin: float  # highest cosine to a refusal minus highest cosine to the positives, anchors and declines
    refusal: int  # index of the nearest refusal in the frame's (non-empty) refusals; -1: none
    priority: int  # rank - 1 of the priority the request serves; -1: not attributed


@dataclass(frozen=True)
class FrameVectors:
    """A published version, embedded by one model: read only, shared by every request of that version."""

    model: str
    refusals: tuple[str, ...]
    refusal_vecs: Matrix
    refusal_of: tuple[int, ...]
    positive_vecs: Matrix
    priority_start: int
    anchor_vecs: Matrix
    decline_vecs: Matrix

    @classmethod
    def of(cls, frame: Frame, model: str, vecs: Matrix, parts: Passages) -> FrameVectors:
        """Slice the vectors of ``passages(frame)`` into their parts."""
        n_ref, n_pos = len(parts.refusal_of), parts.positives
        n_anchor = len(ANCHORS[frame.language])
        start = n_ref + n_pos
        return cls(model, tuple(r for r in frame.refusals if r.strip()), vecs[:n_ref], tuple(parts.refusal_of),
                   vecs[n_ref:start], parts.priority_start, vecs[start:start + n_anchor], vecs[start + n_anchor:])

    def score(self, q: Vector) -> Score:
        """The margin of one normalised request vector, its nearest refusal and the priority it serves."""
        anchors = max((dot(v, q) for v in self.anchor_vecs), default=-1.0)
        priority = -1
        sims = [dot(v, q) for v in self.positive_vecs]
        prio = sims[self.priority_start:]
        if prio:
            best = max(range(len(prio)), key=prio.__getitem__)
            if prio[best] - anchors > PRIORITY_MARGIN:
                priority = best
        if not self.refusal_vecs:
            return Score(float("-inf"), -1, priority)
        ref = [dot(v, q) for v in self.refusal_vecs]
        best_ref = max(range(len(ref)), key=ref.__getitem__)
        against = max([anchors, *sims, *(dot(v, q) for v in self.decline_vecs)])
        return Score(ref[best_ref] - against, self.refusal_of[best_ref], priority)
