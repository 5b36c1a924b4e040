"""The word lists of the clarity rules, one block per language. Folded (lower case, no accents), except
``clause_openers``, matched as written ("où" opens a clause, "ou" does not)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WordList:
    """What the rules need to know about one language."""

    placeholders: frozenset[str]  # a whole value that is only this is a placeholder
    placeholder_markers: frozenset[str]  # a value that contains this anywhere is a placeholder
    everyone: tuple[str, ...]
    clause_openers: tuple[str, ...]  # "everyone" inside "... who/où ..." is not the audience itself
    generic_offer: frozenset[str]
    stop: frozenset[str]
    negations: frozenset[str]
    exceptions: frozenset[str]  # "hors", "outside": a refusal that keeps the rest ("clients hors de Lyon")
    retreats: frozenset[str]  # a priority with these moves away from something ("ne plus", "stop")
    abbreviations: frozenset[str]  # "48 h. ou remboursé": a period that does not end the sentence
    titles: frozenset[str]  # "M. Martin", "Dr. Smith": a capitalised title before a name
    generic_promise: frozenset[str] = frozenset()  # a promise made only of these says nothing checkable
    generic_goal: frozenset[str] = frozenset()  # a priority made only of these is every business's goal


FR = WordList(
    placeholders=frozenset({
        "tbd", "a definir", "a preciser", "a completer", "a voir", "?", "??", "???", "...", "..", "xxx", "xx",
        "x", "lorem", "lorem ipsum", "todo", "en cours", "je ne sais pas", "on verra", "-", "n/a", "na",
        "blabla", "bla bla", "truc", "machin", "idem", "rien", "aucune idee", "pas encore", "plus tard",
    }),
    placeholder_markers=frozenset({
        "tbd", "todo", "fixme", "lorem ipsum", "a definir", "a completer", "a preciser", "a determiner",
    }),
    everyone=(
        "tout le monde", "tous publics", "tout public", "tous les publics", "toutes les entreprises",
        "tous les clients", "toute personne", "tous les particuliers", "n'importe qui", "nimporte qui",
        "tout type de client", "tous types de clients", "toutes cibles", "le grand public", "grand public",
        "toutes les tpe", "toutes les pme", "tous secteurs", "tous les secteurs", "tous les professionnels",
        "de 7 a 77 ans", "tous profils", "tous horizons",
    ),
    clause_openers=("qui", "que", "qu'", "dont", "où", "lorsque", "quand"),
    generic_offer=frozenset({
        "service", "services", "solution", "solutions", "accompagnement", "accompagnements", "conseil",
        "conseils", "prestation", "prestations", "expertise", "expertises", "offre", "offres", "produit",
        "produits", "qualite", "innovant", "innovants", "innovante", "innovantes", "sur", "mesure",
        "global", "globale", "globales", "globaux", "personnalise", "personnalises", "personnalisee",
        "personnalisees", "complet", "complete", "completes", "divers", "diverses", "varies", "variees",
        "haut", "gamme", "digital", "digitale", "digitaux", "numerique", "strategique", "strategiques", "performance",
        "performant", "performants", "cle", "main", "360", "premium", "integre", "integres", "integree",
        "transformation", "optimisation", "support", "aide", "gestion", "projet", "projets", "valeur",
        "ajoutee", "excellence", "business", "pro", "professionnel", "professionnels", "entreprise",
        "entreprises", "strategie", "strategies", "coaching", "consulting", "croissance", "developpement",
        "reussite", "succes", "besoin", "besoins", "objectif", "objectifs", "client", "clients",
        "particuliers", "unique", "uniques", "efficace", "efficaces", "moderne", "modernes", "adapte",
        "adaptes", "adaptee", "adaptees", "meilleur", "meilleure", "meilleurs", "meilleures", "booster",
        "accompagner", "accompagnons", "accompagne", "aider", "aidons", "proposer", "proposons", "conseiller",
        "conseillons", "cles", "ambitions", "sublimer", "dynamique", "dynamiques",
    }),
    generic_promise=frozenset({
        "meilleur", "meilleure", "meilleurs", "meilleures", "qualite", "qualites", "satisfaction", "satisfait",
        "satisfaits", "client", "clients", "clientele", "service", "services", "prix", "tarif", "tarifs",
        "excellence", "excellent", "excellente", "top", "premium", "professionnel", "professionnelle",
        "professionnalisme", "reactivite", "reactif", "reactive", "proximite", "confiance", "ecoute",
        "expertise", "expert", "experts", "unique", "ideal", "ideale", "parfait", "parfaite", "innovant",
        "innovation", "solution", "solutions", "garanti", "garantie", "garantis", "haut", "gamme", "valeur",
        "rapport", "optimal", "optimale", "mesure", "efficace", "efficacite", "simplicite", "serieux",
        "engagement", "engage", "exigence", "passion", "savoir", "competitif", "competitifs", "imbattable",
        "imbattables", "accompagnement", "conseil", "conseils", "attentif", "humain", "humaine", "toujours",
        "mieux", "bien", "offre", "offrir", "offrons", "garantir", "garantissons", "assurer", "assurons",
        "promettre", "promettons", "du", "monde", "marche",
    }),
    generic_goal=frozenset({
        "satisfaire", "satisfaction", "satisfait", "satisfaits", "client", "clients", "clientele",
        "developper", "developpement", "croitre", "croissance", "grandir", "reussir", "reussite", "succes",
        "performance", "performances", "excellence", "qualite", "meilleur", "meilleure", "meilleurs",
        "ameliorer", "amelioration", "augmenter", "chiffre", "affaires", "vendre", "ventes", "vente", "gagner",
        "fideliser", "fidelisation", "rentabilite", "rentable", "benefice", "benefices", "profit", "profits",
        "leader", "innover", "innovation", "efficace", "efficacite", "valeur", "servir", "service", "services",
        "bien", "mieux", "toujours", "entreprise", "activite", "marque", "notoriete", "image", "monde",
        "developpons", "satisfaisons", "progresser", "progression", "evoluer", "maximiser", "optimiser",
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
    exceptions=frozenset({"hors", "sauf", "hormis", "excepte", "dehors", "autre", "autres"}),
    retreats=frozenset({
        "pas", "ne", "non", "jamais", "aucun", "aucune", "sans", "moins", "arreter", "cesser", "abandonner",
        "stopper", "supprimer", "reduire", "limiter", "eviter", "diminuer", "quitter", "refuser",
    }),
    abbreviations=frozenset({
        "h", "min", "mn", "s", "sec", "j", "km", "m", "cm", "mm", "kg", "g", "l", "ml", "env", "etc", "cf",
        "ex", "p", "av", "bd", "tel", "max", "approx", "no", "ht", "ttc", "hab", "sem", "art",
    }),
    titles=frozenset({"m", "mm", "mme", "mmes", "mlle", "mlles", "dr", "pr", "me", "st", "ste"}),
)

EN = WordList(
    placeholders=frozenset({
        "tbd", "tbc", "to be defined", "to be decided", "to do", "todo", "?", "??", "???", "...", "..",
        "xxx", "xx", "x", "lorem", "lorem ipsum", "n/a", "na", "-", "none yet", "later", "unknown",
        "not sure", "no idea", "same", "nothing yet", "blah", "blah blah", "stuff",
    }),
    placeholder_markers=frozenset({
        "tbd", "tbc", "todo", "fixme", "lorem ipsum", "to be defined", "to be decided", "to be confirmed",
    }),
    everyone=(
        "everyone", "everybody", "anyone", "anybody", "all businesses", "all companies", "all people",
        "all customers", "all clients", "any business", "any company", "any customer", "the general public",
        "general public", "all audiences", "all sectors", "every business", "every company",
        "all industries", "all smes", "all walks of life", "people of all ages",
    ),
    clause_openers=("who", "whom", "whose", "where", "which", "that", "when", "whenever"),
    generic_offer=frozenset({
        "service", "services", "solution", "solutions", "consulting", "advice", "support", "coaching",
        "offer", "offers", "offering", "offerings", "product", "products", "quality", "innovative",
        "tailored", "custom", "bespoke", "global", "complete", "end", "to", "full", "digital",
        "strategic", "strategy", "performance", "premium", "integrated", "transformation", "optimisation",
        "optimization", "management", "project", "projects", "value", "added", "excellence", "business",
        "professional", "professionals", "expertise", "help", "high", "360", "turnkey",
        "company", "companies", "businesses", "smart", "best", "class", "world", "grow", "growth", "success", "needs",
        "goals", "client", "clients", "customer", "customers", "unique", "efficient", "effective", "modern",
        "leading", "cutting", "edge", "next", "level", "helping", "helps", "deliver", "delivering",
        "advisory", "consultancy", "boost", "unlock", "empower", "empowering", "potential",
    }),
    generic_promise=frozenset({
        "best", "better", "quality", "service", "services", "price", "prices", "value", "excellence",
        "excellent", "great", "top", "premium", "professional", "customer", "customers", "client", "clients",
        "satisfaction", "satisfied", "trusted", "trust", "reliable", "unique", "ideal", "perfect", "innovative",
        "innovation", "solution", "solutions", "guaranteed", "guarantee", "high", "class", "world", "leading",
        "expert", "expertise", "care", "tailored", "efficient", "affordable", "outstanding", "superior",
        "always", "passion", "commitment", "committed", "exceptional", "unbeatable", "competitive", "market",
        "experience", "possible", "every", "time", "offer", "deliver", "provide", "promise", "ensure",
    }),
    generic_goal=frozenset({
        "satisfy", "satisfaction", "satisfied", "happy", "delight", "customer", "customers", "client",
        "clients", "grow", "growth", "develop", "development", "succeed", "success", "performance",
        "excellence", "quality", "best", "improve", "improvement", "increase", "revenue", "revenues", "sales",
        "sell", "win", "gain", "profit", "profits", "profitability", "lead", "leader", "innovate", "innovation",
        "efficiency", "value", "serve", "service", "services", "become", "business", "brand", "awareness",
        "expand", "scale", "maximise", "maximize", "optimise", "optimize", "keep", "retain", "retention",
        "always", "better", "great", "market", "share",
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
    exceptions=frozenset({"outside", "except", "excluding", "besides", "beyond", "other", "others"}),
    retreats=frozenset({
        "no", "not", "never", "none", "don", "dont", "won", "without", "fewer", "less", "stop", "quit",
        "avoid", "reduce", "limit", "drop", "phase", "cut", "refuse", "decline",
    }),
    abbreviations=frozenset({
        "h", "hr", "hrs", "min", "mins", "sec", "secs", "km", "mi", "m", "ft", "lb", "lbs", "oz", "kg", "etc",
        "approx", "vs", "no", "nos", "max", "incl", "excl", "est", "ca",
    }),
    titles=frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "mt"}),
)

WORDLISTS: dict[str, WordList] = {"fr": FR, "en": EN}
