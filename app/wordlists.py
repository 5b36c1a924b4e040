"""The word lists of the clarity rules, one block per language. Folded (lower case, no accents)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WordList:
    """What the rules need to know about one language."""

    placeholders: frozenset[str]
    everyone: tuple[str, ...]
    generic_offer: frozenset[str]
    stop: frozenset[str]
    negations: frozenset[str]


FR = WordList(
    placeholders=frozenset({
        "tbd", "a definir", "a preciser", "a completer", "a voir", "?", "??", "???", "...", "..", "xxx", "xx",
        "x", "lorem", "lorem ipsum", "todo", "en cours", "je ne sais pas", "on verra", "-", "n/a", "na",
    }),
    everyone=(
        "tout le monde", "tous publics", "tout public", "tous les publics", "toutes les entreprises",
        "tous les clients", "toute personne", "tous les particuliers", "n'importe qui", "nimporte qui",
        "tout type de client", "tous types de clients", "toutes cibles", "le grand public",
        "toutes les tpe", "toutes les pme", "tous secteurs", "tous les secteurs",
    ),
    generic_offer=frozenset({
        "service", "services", "solution", "solutions", "accompagnement", "accompagnements", "conseil",
        "conseils", "prestation", "prestations", "expertise", "expertises", "offre", "offres", "produit",
        "produits", "qualite", "innovant", "innovants", "innovante", "innovantes", "sur", "mesure",
        "global", "globale", "globales", "globaux", "personnalise", "personnalises", "personnalisee",
        "personnalisees", "complet", "complete", "completes", "divers", "diverses", "varies", "variees",
        "haut", "gamme", "digital", "digitale", "digitaux", "strategique", "strategiques", "performance",
        "performant", "performants", "cle", "main", "360", "premium", "integre", "integres", "integree",
        "transformation", "optimisation", "support", "aide", "gestion", "projet", "projets", "valeur",
        "ajoutee", "excellence", "business", "pro", "professionnel", "professionnels", "entreprise",
        "entreprises",
    }),
    stop=frozenset({
        "le", "la", "les", "l", "un", "une", "des", "de", "du", "d", "et", "ou", "a", "au", "aux", "en",
        "pour", "par", "sur", "avec", "sans", "dans", "nos", "notre", "vos", "votre", "ses", "son", "sa",
        "leur", "leurs", "ce", "cet", "cette", "ces", "qui", "que", "quoi", "dont", "il", "elle", "ils",
        "elles", "on", "nous", "vous", "je", "tu", "se", "s", "y", "est", "sont", "etre", "tres", "plus",
        "moins", "tout", "tous", "toute", "toutes", "faire", "fait", "chez", "via", "entre", "comme",
        "si", "mais", "donc", "car", "ni", "qu", "c", "j", "m", "n", "t", "afin",
    }),
    negations=frozenset({
        "pas", "ne", "n", "non", "jamais", "aucun", "aucune", "rien", "ni", "refus", "refusons",
        "refuse", "exclu", "exclus", "exclue", "exclues", "hors", "interdit", "plus",
    }),
)

EN = WordList(
    placeholders=frozenset({
        "tbd", "tbc", "to be defined", "to be decided", "to do", "todo", "?", "??", "???", "...", "..",
        "xxx", "xx", "x", "lorem", "lorem ipsum", "n/a", "na", "-", "none yet", "later", "unknown",
    }),
    everyone=(
        "everyone", "everybody", "anyone", "anybody", "all businesses", "all companies", "all people",
        "all customers", "all clients", "any business", "any company", "any customer", "the general public",
        "general public", "all audiences", "all sectors", "every business", "every company",
        "all industries", "all smes",
    ),
    generic_offer=frozenset({
        "service", "services", "solution", "solutions", "consulting", "advice", "support", "coaching",
        "offer", "offers", "offering", "offerings", "product", "products", "quality", "innovative",
        "tailored", "custom", "bespoke", "global", "complete", "end", "to", "full", "digital",
        "strategic", "strategy", "performance", "premium", "integrated", "transformation", "optimisation",
        "optimization", "management", "project", "projects", "value", "added", "excellence", "business",
        "professional", "professionals", "expertise", "help", "high", "360", "turnkey",
        "company", "companies", "smart", "best", "class", "world",
    }),
    stop=frozenset({
        "the", "a", "an", "and", "or", "of", "to", "for", "by", "on", "with", "without", "in", "into",
        "our", "your", "their", "its", "this", "that", "these", "those", "who", "which", "what", "we",
        "you", "they", "it", "is", "are", "be", "very", "more", "less", "all", "any", "from", "at", "as",
        "if", "but", "so", "about", "do", "does", "make", "s", "t", "us",
    }),
    negations=frozenset({
        "no", "not", "never", "none", "nothing", "nor", "don", "dont", "won", "refuse", "refused",
        "excluded", "exclude", "forbidden", "without",
    }),
)

WORDLISTS: dict[str, WordList] = {"fr": FR, "en": EN}
