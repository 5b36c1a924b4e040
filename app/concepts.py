"""What the request check knows about words, one block per language: concept families and cue phrases.

A concept is a family of phrases that name one thing in a request: "vente" is also "à vendre", an
"annonce", a "fiche produit". A refusal's words pick the families it speaks of (by a phrase or a key);
a request hits the refusal when it names those families. Written as general small-business knowledge.

Phrase syntax, matched on folded words (lower case, no accents; "l'", "d'" kept as their own words):
inflected forms are generated ("vendre" also matches "vendons", "vendu"; "shave" matches "shaving");
``=word`` matches that exact word only; ``word*`` matches any word that starts with ``word`` (4+ letters);
``_`` matches any one word ("at _ flat": "at his flat", "at her flat").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Concept:
    """A family of phrases that name one thing; ``keys`` only pick the family from a refusal's words."""

    phrases: tuple[str, ...]
    keys: tuple[str, ...] = ()
    needs: str = ""  # another concept that must appear near this one: a patio is refused when it is built
    sector: bool = False  # a line of business, for "no clients outside hospitality and retail"


@dataclass(frozen=True)
class Vocabulary:
    """Everything the check needs to know about one language."""

    concepts: Mapping[str, Concept]
    neutral: tuple[str, ...]  # look like a concept but are not: "remis à neuf" is repair, not a new bike
    negations: tuple[str, ...]  # open a negation scope: what follows is denied, not asked for
    post_negations: tuple[str, ...]  # deny what comes just before: "payslips are not something we do"
    breaks: frozenset[str]  # words that close a negation scope ("mais", "and")
    talk: tuple[str, ...]  # the request talks about a refusal (explains it, says no) rather than asking for it
    reported: tuple[str, ...]  # someone else's words follow: "asked if", "m'écrit"
    mention: tuple[str, ...]  # a word is quoted as a word: "avoid the word", "sans le mot"
    inner_negations: frozenset[str]  # inside a refusal: "No treatment without an assessment"
    exceptions: frozenset[str]  # inside a refusal: "No clients outside hospitality and retail"
    connectors: frozenset[str]  # split a refusal into alternatives: "ni", "or"
    light: frozenset[str] = field(default_factory=frozenset)  # refusal words too generic to require
    irregular: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # extra forms: sell -> sold


def _c(*phrases: str, keys: tuple[str, ...] = (), needs: str = "", sector: bool = False) -> Concept:
    return Concept(tuple(phrases), keys, needs, sector)


# ------------------------------------------------------------------------------------------------ French

FR_CONCEPTS: dict[str, Concept] = {
    # selling and buying
    "vente": _c("vente", "vendre", "à vendre", "en vente", "mise en vente", "acheter", "achat", "prix",
                "fiche produit", "en stock", "disponible", "disponible à l'achat", "prix d'usine", "commander",
                "précommande", "annonce", "leboncoin", "proposition commerciale", "proposer nos", "proposer notre",
                "fournir", "fourniture", "approvisionner", "approvisionnement", "référencer nos", "revendeur",
                "distribuer"),
    "neuf": _c("neuf", "jamais roulé", "jamais servi", "jamais utilisé", "dans leur carton", "dans son carton",
               "sous blister", "sorti d'usine", "prix d'usine", "nouveau modèle", "nouvelle gamme", "dernier modèle",
               "nouveauté", "arrivage", "catalogue", "millésime", "gamme", "vient de recevoir", "vient d'arriver",
               "viennent d'arriver", "juste arrivé"),
    "promotion": _c("=promotions", "en promotion", "en promo", "promo", "code promo", "remise", "réduction",
                    "rabais", "black friday", "french days", "prix barré", "déstockage", "=soldes", "en solde",
                    "soldé", "offre spéciale", "offre de lancement", "prix de lancement", "vente privée",
                    "ventes flash", "vente flash", "bon plan", "deux pour un", "2 pour 1",
                    keys=("promotion", "soldes")),
    "devis": _c("devis", "chiffrage", "chiffrer", "estimation", "estimer", "prix", "tarif", "combien", "coût",
                "coûter", "coûte"),
    "telephone": _c("téléphone", "téléphonique", "par tél", "par tel", "au tél", "au tel", "appel", "appeler",
                    "appelle", "appellent", "au bout du fil", "répondeur", "standard téléphonique"),
    # bikes and personal transport
    "velo": _c("vélo", "vtt", "vtc", "vae", "bicyclette", "biclou", "gravel", "vélo cargo", "vélo électrique",
               "vélo de route", "vélo de ville"),
    "trottinette": _c("trottinette", "trottinette électrique", "trott", "gyroroue", "monoroue", "gyropode",
                      "hoverboard", "overboard", "edpm", "engin de déplacement personnel", "ninebot", "segway",
                      "dualtron"),
    "reparation": _c("réparation", "réparer", "répare", "dépannage", "dépanner", "entretien", "révision", "réviser"),
    # web, marketing and design
    "ecommerce": _c("boutique en ligne", "e-commerce", "site marchand", "vente en ligne", "vendre en ligne",
                    "paiement en ligne", "payer en ligne", "commande en ligne", "commander en ligne", "panier",
                    "shopify", "woocommerce", "prestashop", "magento", "wix stores", "click and collect",
                    "click & collect", "marketplace", "tunnel de commande", "boutique shopify"),
    "pub_payante": _c("publicité payante", "pub payante", "google ads", "facebook ads", "meta ads", "instagram ads",
                      "linkedin ads", "tiktok ads", "adwords", "référencement payant", "sea", "campagne sponsorisée",
                      "post sponsorisé", "publication sponsorisée", "sponsoriser", "annonce payante",
                      "coût par clic", "cpc", "budget publicitaire", "campagne google", "campagne facebook",
                      "booster une publication", "mot-clé payant", "enchères sur mots-clés"),
    "reseaux_sociaux": _c("réseaux sociaux", "réseau social", "instagram", "insta", "facebook", "linkedin", "tiktok",
                          "pinterest", "page facebook", "compte instagram", "community manager",
                          "community management"),
    "gestion": _c("gestion", "gérer", "gère", "gèrent", "gérons", "animer", "animation", "community manager",
                  "community management", "calendrier éditorial", "planning de publication", "programmer les",
                  "publier à leur place", "publier pour", "s'occuper de", "alimenter", "prendre en main"),
    "logo": _c("logo", "logotype", "identité visuelle", "charte graphique", needs="creation"),
    "creation": _c("créer", "création", "concevoir", "conception", "dessiner", "imaginer", "piste", "esquisse",
                   "croquis", "maquette", "refaire", "refonte", "moderniser", "redessiner", "déclinaison",
                   "variante", "nouveau logo", "proposition de logo"),
    # bakery and food
    "gateau_fete": _c("pièce montée", "croquembouche", "wedding cake", "gâteau de mariage", "gâteau à étages",
                      "number cake", "layer cake", "gâteau de baptême", "gâteau d'anniversaire à étages",
                      "pyramide de choux"),
    "surgele": _c("surgel*", "congel*", "décongel*", "précuit", "pâton industriel", "terminal de cuisson",
                  "cru surgelé", "prêt à cuire", "à cuire chez vous", "à cuire à la maison"),
    "livraison": _c("livraison", "livrer", "livreur", "porter chez", "apporter chez", "déposer chez", "portage",
                    "deliveroo", "uber eats", "just eat", "coursier", "tournée de livraison", "vous livre",
                    "vous livrer", "vous livrons", "livré chez"),
    "domicile": _c("domicile", "à domicile", "à la maison", "chez vous", "chez eux", "chez lui", "chez elle",
                   "à votre porte", "devant votre porte", "sur votre palier", "deliveroo", "uber eats", "just eat",
                   "vous livre", "vous livrer", "vous livrons", "livré chez"),
    "supermarche": _c("supermarché", "hypermarché", "supérette", "grande surface", "gms", "grande distribution",
                      "centrale d'achat", "carrefour", "leclerc", "auchan", "intermarché", "lidl", "aldi",
                      "monoprix", "franprix", "super u", "hyper u", "système u", "netto", "cora", "casino shop",
                      "géant casino", "rayon pain", "rayon boulangerie"),
    "chaine": _c("chaîne", "franchise", "franchisé", "enseigne", "réseau de restaurants", "mcdonald",
                 "burger king", "starbucks", "flunch", "buffalo grill", "hippopotamus", "courtepaille",
                 "la mie câline", "brioche dorée", "columbus café", "pomme de pain", "class'croûte"),
    "restauration": _c("restauration", "restaurant", "resto", "brasserie", "bistrot", "cantine", "traiteur",
                       "hôtel", "fast-food", "snack", "cafétéria", "restauration rapide", "restauration collective",
                       "mcdonald", "burger king", "starbucks", "flunch", "buffalo grill", "hippopotamus",
                       "courtepaille"),
    # accounting
    "paie": _c("paie", "fiche de paie", "bulletin de paie", "bulletin de salaire", "dsn",
               "déclaration sociale nominative", "logiciel de paie", "gestion de la paie", "payroll",
               "=salaires", "charges sociales des salariés"),
    "compta": _c("comptabilité", "compta", "tenue comptable", "tenue de comptabilité", "tenir la comptabilité",
                 "tenir les comptes", "bilan", "liasse fiscale", "comptes annuels", "saisie comptable"),
    "sci": _c("sci", "société civile immobilière", "sci familiale", "sci à l'ir", "sci à l'is"),
    "lmnp": _c("lmnp", "lmp", "loueur en meublé", "loueur meublé", "location meublée", "meublé de tourisme",
               "airbnb", "location saisonnière", "gîte", "chambre d'hôtes", "loueur en meublé non professionnel",
               "statut lmnp"),
    "impot_revenu": _c("impôt sur le revenu", "déclaration de revenus", "déclaration d'impôt", "déclaration d'impôts",
                       "déclaration des revenus", "2042", "feuille d'impôt", "impots.gouv", "revenus fonciers",
                       "avis d'imposition", "prélèvement à la source", "foyer fiscal"),
    "particulier": _c("particulier", "foyer", "foyer fiscal", "ménage", "contribuable", "conjoint", "conjointe",
                      "épouse", "époux", "mari", "personnel", "famille", "retraité", "impôt sur le revenu",
                      "déclaration de revenus", "déclaration d'impôt", "déclaration d'impôts", "2042",
                      "feuille d'impôt", "impots.gouv"),
    "rendez_vous": _c("rendez-vous", "rdv", "sans rendez-vous", "recevoir", "reçoit", "reçois", "recevons",
                      "reçoivent", "recevez", "ouvert", "ouverture", "ouvrir", "ouvre", "ouvrons", "permanence",
                      "créneau", "accueil", "accueillir", "accueillons", "consultation", "rencontre", "rencontrer"),
    # garden, animals, care
    "arbre": _c("arbre", "chêne", "thuya", "sapin", "conifère", "peuplier", "bouleau", "saule", "platane",
                "arbre fruitier", "pommier", "cerisier"),
    "abattage": _c("abattage", "abattre", "couper _ arbre", "dessouchage", "dessoucher", "rogner la souche",
                   "enlever la souche", "tronçonner"),
    "pesticide": _c("pesticide", "insecticide", "herbicide", "fongicide", "désherbant chimique", "glyphos*",
                    "roundup", "anti-limace", "produit phytosanitaire", "phytosanitaire", "traitement chimique",
                    "produits chimiques", keys=("désherbant",)),
    "chat": _c("chat", "chaton", "félin", "maine coon", "persan"),
    "rasage": _c("raser", "rasage", "tonte à ras", "tondre à ras", "tonte intégrale", "tondre entièrement"),
    "visite_domicile": _c("visite à domicile", "à domicile", "se déplacer chez", "se déplace chez", "chez le patient",
                          "dans votre salon", "sans vous déplacer", keys=("visites à domicile",)),
    "acupuncture": _c("acupuncture", "aiguille", "dry needling", "puncture sèche", "acupuncteur"),
    # a request for our work, for "pas de clients hors de ..." refusals
    "client_work": _c("client", "proposition", "devis", "honoraires", "forfait", "lettre de mission", "accompagner",
                      "prendre en charge", "travailler avec", "nouveau dossier"),
    "samedi": _c("samedi", "week-end", "weekend", "fin de semaine"),
    "dimanche": _c("dimanche", "week-end", "weekend", "jour férié"),
}

FR = Vocabulary(
    concepts=FR_CONCEPTS,
    neutral=(
        "remis à neuf", "remise à neuf", "remettre à neuf", "comme neuf", "état neuf", "à l'état neuf",
        "pièce neuve", "pneu neuf", "chaîne neuve", "câble neuf", "quoi de neuf", "rien de neuf", "code promo étudiant",
        "promo étudiante", "solde de la facture", "solde du compte", "prix annoncé", "nouveau client",
        "diagnostic gratuit", "livraison de pièces", "délai de livraison", "chaîne de vélo", "gestion des stocks",
        "gestion du temps", "en toutes lettres",
    ),
    negations=(
        "ne", "n", "pas", "jamais", "aucun", "aucune", "sans", "ni", "non", "nullement", "plutôt que",
        "au lieu de", "au lieu d", "pas besoin de", "pas besoin d", "sauter", "zapper", "se passer de", "refuser",
        "refusons", "refuse", "éviter", "évitons", "arrêter", "arrêtons", "hors de question", "fermé", "fermeture",
    ),
    post_negations=("n'est pas", "ne sont pas", "n'est plus", "ne sont plus", "ne fait pas partie",
                    "ne font pas partie", "c'est non"),
    breaks=frozenset({"mais", "et", "puis", "donc", "car", "parce", "cependant", "pourtant", "alors", "sinon"}),
    talk=(
        "pourquoi", "notre choix", "dire non", "dis non", "dit non", "que non", "répondre non", "répond non",
        "non et pourquoi", "décliner", "refuser poliment", "refuse poliment", "confrère", "consœur",
        "un autre atelier", "une autre boulangerie", "un autre cabinet", "un autre prestataire", "lui conseiller",
        "lui recommander", "orienter vers", "rediriger vers", "indiquer un autre", "indiquer une autre", "ailleurs",
        "cabinet spécialisé", "prestataire spécialisé", "prestataire de paie", "cabinet partenaire",
    ),
    reported=(
        "demande si", "demandent si", "demandait si", "veut savoir si", "m'écrit", "nous écrit", "m'a écrit",
        "nous a écrit", "me demande", "nous demande", "m'a demandé", "nous a demandé", "qui dit", "avis qui dit",
        "un avis", "l'avis", "cet avis", "avis google",
    ),
    mention=("mot", "terme", "expression", "évitant", "éviter", "évite", "sans le mot", "sans les mots", "bannir",
             "interdit", "sans parler de", "sans parler d", "sans mentionner", "sans utiliser", "sans employer",
             "sans dire"),
    inner_negations=frozenset({"sans"}),
    exceptions=frozenset({"hors", "sauf", "hormis", "excepte", "dehors"}),
    connectors=frozenset({"ni", "ou", "et", "/"}),
    light=frozenset({
        "mission", "missions", "service", "services", "prestation", "prestations", "produit", "produits", "offre",
        "offres", "travail", "travaux", "demande", "demandes", "client", "clients", "type", "types",
    }),
)


# ----------------------------------------------------------------------------------------------- English

EN_SECTORS: dict[str, Concept] = {
    "hospitality": _c("café", "coffee shop", "restaurant", "pub", "bar", "hotel", "b&b", "bed and breakfast",
                      "bakery", "tearoom", "tea room", "bistro", "takeaway", "catering", "caterer", "deli", "brewery",
                      "wine bar", "guest house", "ice cream parlour", "food truck", "food van",
                      keys=("hospitality",), sector=True),
    "retail": _c("shop", "store", "boutique", "retailer", "florist", "butcher", "greengrocer", "grocer", "bookshop",
                 "newsagent", "off-licence", "gift shop", "market stall", "jeweller", "hardware store",
                 "farm shop", "bike shop", "convenience store", keys=("retail",), sector=True),
    "professional": _c("architect", "architecture", "architectural", "solicitor", "law firm", "lawyer", "barrister",
                       "dentist", "dental", "gp surgery", "medical practice", "clinic", "physio", "physiotherapist",
                       "osteopath", "chiropractor", "vet", "veterinary", "consultancy", "marketing agency",
                       "design agency", "estate agent", "letting agent", "recruitment agency", "insurance broker",
                       "financial adviser", "it company", "software company", "startup", "engineering firm",
                       "surveyor", "counsellor", sector=True),
    "trades": _c("plumber", "electrician", "builder", "roofer", "joiner", "carpenter", "decorator", "plasterer",
                 "landscaper", "scaffolder", "construction company", "heating engineer", "tiler", "bricklayer",
                 "locksmith", "garage owner", "car garage", sector=True),
    "personal_services": _c("hairdresser", "hair salon", "barber", "beauty salon", "nail salon", "nail bar",
                            "tattoo studio", "gym", "personal trainer", "yoga studio", "dog groomer", "childminder",
                            "care home", "driving instructor", "cleaning company", sector=True),
    "other_sectors": _c("charity", "property developer", "buy-to-let", "haulier", "taxi firm", "football club",
                        "sports club", sector=True),
}

EN_CONCEPTS: dict[str, Concept] = {
    **EN_SECTORS,
    # selling and buying
    "selling": _c("sell", "sale", "for sale", "on sale", "buy", "purchase", "price", "priced at", "in stock",
                  "available to buy", "listing", "product page", "order now", "pre-order", "stockist", "wholesale",
                  "supply", "supplier to", "trade account", "sales pitch"),
    "new": _c("new", "brand new", "brand-new", "unused", "boxed", "never ridden", "never used", "still in the box",
              "factory sealed", "latest model", "new model", "new range", "this year's range", "catalogue",
              "just arrived", "new arrivals", "new stock"),
    "promotion": _c("discount", "promo", "promotion", "promo code", "discount code", "voucher code", "half price",
                    "half-price", "black friday", "cyber monday", "special offer", "=sales", "summer sale",
                    "winter sale", "clearance sale", "two for one", "2 for 1", "bogof", "money off", "cut-price",
                    "flash sale", "% off", keys=("promotions", "sales", "discounts")),
    "quote": _c("quote", "quotation", "estimate", "price", "pricing", "how much", "cost"),
    "phone": _c("phone", "telephone", "over the phone", "by phone", "on the phone", "phone call", "call",
                "ring", "answerphone", "voicemail"),
    "delivery": _c("delivery", "deliver", "courier", "deliveroo", "uber eats", "just eat", "drop round",
                   "we bring", "bring it to"),
    "home": _c("home", "your door", "doorstep", "to your house", "to your home", "deliveroo", "uber eats",
               "just eat", "home delivery"),
    "frozen": _c("frozen", "freezer", "freeze", "defrost*", "thaw*", "part-baked", "bake at home", "bake-off",
                 "ready to bake"),
    "wedding_cake": _c("wedding cake", "tiered cake", "celebration cake", "croquembouche", "naked cake",
                       "cake tower", keys=("wedding cakes",)),
    # web, marketing and design
    "online_shop": _c("online shop", "online store", "webshop", "e-commerce", "ecommerce", "shopify",
                      "woocommerce", "checkout", "shopping cart", "sell online", "take payments online",
                      "online payments", "click and collect", "click & collect", "marketplace", "etsy shop"),
    "paid_ads": _c("paid ads", "paid advertising", "google ads", "facebook ads", "meta ads", "instagram ads",
                   "linkedin ads", "adwords", "ppc", "pay per click", "pay-per-click", "sponsored post",
                   "boosted post", "boost a post", "ad campaign", "ad budget", "paid social", "paid search"),
    "social_media": _c("social media", "social accounts", "instagram", "insta", "facebook", "linkedin", "tiktok",
                       "pinterest", "facebook page", "instagram account"),
    "management": _c("manage", "management", "run their", "run her", "run his", "running their", "community manager",
                     "content calendar", "posting schedule", "post for them", "look after", "schedule posts"),
    "logo": _c("logo", "brand identity", "visual identity", "brand mark", needs="design"),
    "design": _c("design", "create", "draw", "sketch", "concept", "new logo", "rebrand", "redesign", "mock-up",
                 "mockup", "logo options", "three options"),
    "repair": _c("repair", "fix", "servicing", "tune-up", "puncture"),
    "scooter": _c("e-scooter", "electric scooter", "scooter", "unicycle", "onewheel", "hoverboard", "segway",
                  "ninebot"),
    "bike": _c("bike", "bicycle", "e-bike", "ebike", "cargo bike", "road bike", "mountain bike", "mtb"),
    # payroll and accounts
    "payroll": _c("payroll", "payslip", "pay slip", "wages", "wage slip", "paye", "p60", "p45", "p11d",
                  "auto-enrolment", "auto enrolment", "pension enrolment", "rti submission", "pay run",
                  "staff pay", "salaries", "holiday pay", "statutory sick pay", "ssp", "smp"),
    "year_end": _c("year-end accounts", "year end accounts", "annual accounts", "statutory accounts", "final accounts",
                   "end of year accounts", "end-of-year accounts", "companies house accounts",
                   "accounts for companies house", "filing with companies house", "abridged accounts",
                   "dormant accounts"),
    "corporation_tax": _c("corporation tax", "ct600", "company tax return", "company tax", "corp tax",
                          "tax return for the company", "tax return for her company", "tax return for his company",
                          keys=("corporation tax return",)),
    "container": _c("shoebox", "shoe box", "box", "bag", "carrier bag", "bin bag", "pile", "heap", "stack", "bundle",
                    "envelope", "carton", "crate", "drawer full", "sack", "suitcase"),
    "receipt": _c("receipt", "paper receipt", "till receipt", "paperwork", "crumpled receipts"),
    # garden care
    "tree": _c("tree", "leylandii", "conifer", "oak", "sycamore", "ash tree", "birch", "willow", "fir tree",
               "pine tree", "cypress", "beech", "apple tree", "pear tree", "cherry tree", "eucalyptus", "poplar",
               "horse chestnut", "yew"),
    "felling": _c("fell", "felling", "cut down", "cut _ down", "chop down", "chop _ down", "take down",
                  "take _ down", "tree removal", "remove the tree", "remove a tree", "tree surgery", "pollard",
                  "pollarding", "crown reduction", "dismantle"),
    "stump": _c("stump", "stump grinding", "stump removal", "grind out", keys=("stump grinding",)),
    "weedkiller": _c("weedkiller", "weed killer", "herbicide", "glyphos*", "weed and feed", "path weedkiller",
                     "total weedkiller", "selective weedkiller", "spray the weeds", "spray weeds", "weed spray",
                     "kill weeds", "kill the weeds", "kill _ weeds",
                     keys=("chemical weedkiller",)),
    "pesticide": _c("pesticide", "insecticide", "fungicide", "herbicide", "slug pellet", "metaldehyde", "glyphos*",
                    "bug spray", "neonicotinoid*", "weed and feed", "moss killer", "ant killer", "ant powder",
                    "chemical spray", "chemical treatment", "spray with chemicals", "chemicals"),
    "patio": _c("patio", "terrace", "decking", needs="build"),
    "paving": _c("paving", "paved", "block paving", "paving slab", "flagstone", "driveway", "paver", "setts",
                 "resin drive", "gravel drive", needs="build"),
    "fencing": _c("fence", "fencing", "fence panel", "fence post", "garden wall", "boundary wall", "retaining wall",
                  "brick wall", "trellis", needs="build"),
    "build": _c("build", "lay", "re-lay", "install", "installation", "put in", "put up", "erect", "construct",
                "construction", "replace", "repair", "fix", "landscaping", "hard landscaping"),
    "one_off": _c("one-off", "one-time", "single visit", "one visit", "just once", "clear-out", "clearout",
                  "blitz", "big tidy", "big tidy-up", "end of tenancy", keys=("one-off clearance",)),
    # dog grooming
    "cat": _c("cat", "kitten", "feline", "moggy", "maine coon", "ragdoll", "persian cat", "cat groomer"),
    "shave": _c("shave", "shave-down", "shave down", "shaved down", "buzz cut", "clip to the skin", "clip off",
                "clip-off", "clipped off", "clip it all off", "take it all off", "number 1 blade", "down to the skin"),
    "double_coat": _c("double coat", "double-coated", "double coated breed", "husky", "malamute", "samoyed",
                      "pomeranian", "golden retriever", "labrador", "german shepherd", "border collie", "rough collie",
                      "collie", "sheltie", "shetland sheepdog", "akita", "shiba inu", "chow chow", "keeshond",
                      "newfoundland", "bernese", "great pyrenees", "corgi", "spitz", "australian shepherd", "aussie",
                      "old english sheepdog", keys=("double-coated breeds",)),
    "walk_in": _c("walk-ins", "walk-in appointment", "walk-in slot", "walk-in basis", "walk-in service",
                  "walk-in session", "walk-in customer", "walk-in only", "walk-in welcome", "walk-in day",
                  "walk-in morning", "walk-in trim", "walk-in nail", "walk-in grooming", "drop in", "drop-in", "pop in",
                  "just turn up", "turn up any time", "no appointment", "no appointment needed", "no booking",
                  "no booking needed", "without an appointment", "without booking", "come in any time",
                  "come along any time", "first come first served", "no need to book",
                  keys=("walk-in appointments",)),
    "show": _c("dog show", "show dog", "crufts", "championship show", "show ring", "ring prep", "ring-prep",
               "ring ready", "ring-ready", "show trim", "show grooming", "show prep", "show preparation",
               "showing _ dog", "showing dogs", "competition grooming", "grooming competition", "breed show",
               "kennel club show", "best in show", "show-ready", "show season", "showing season",
               keys=("show", "competition", "show grooming")),
    # physiotherapy
    "home_visit": _c("home visit", "house call", "visit you at home", "visit _ at home", "treat _ at home",
                     "see _ at home", "at _ house", "to _ house", "at _ flat", "to _ flat", "come to you",
                     "comes to you", "come to your home", "your own home", "mobile physio", "mobile service",
                     "domiciliary", "home-based", "home appointment", "in-home", "living room", "no need to travel",
                     "without leaving home", "without leaving your home", keys=("home visits",)),
    "treatment": _c("treatment", "treat", "hands-on", "session", "massage", "manipulation", "mobilisation",
                    "therapy"),
    "assessment": _c("assessment", "initial assessment", "first assessment", "assess", "evaluation", "examination",
                     "examine", "consultation", keys=("initial assessment",)),
    "needling": _c("dry needling", "needling", "needle", "acupuncture", "acupuncturist", "acupoint",
                   "electro-acupuncture", "trigger point needling", keys=("dry needling",)),
    "legal_report": _c("medico-legal report", "medicolegal report", "medico-legal", "medicolegal", "expert report",
                       "expert witness", "court report", "report for a solicitor", "report for the solicitor",
                       "report for her solicitor", "report for his solicitor", "legal report", "witness statement",
                       keys=("medico-legal reports",)),
    "injury_claim": _c("injury claim", "compensation claim", "personal injury", "whiplash claim", "claim",
                       "compensation", "lawsuit", "litigation", "insurance claim", "court case", "no win no fee"),
    # a request for our work, for "no clients outside ..." refusals
    "client_work": _c("client", "customer", "proposal", "quote", "fee", "onboard", "take on", "taking on",
                      "sign up", "engagement letter", "work with", "do her books", "do his books", "do their books",
                      "books"),
    # appointments and days
    "appointment": _c("appointment", "booking", "slot", "open", "opening"),
    "saturday": _c("saturday", "weekend", "weekends"),
    "sunday": _c("sunday", "weekend", "weekends", "bank holiday"),
}

EN = Vocabulary(
    concepts=EN_CONCEPTS,
    neutral=(
        "leaf clearance", "gutter clearance", "cat-cow", "cat cow", "new patient", "new customer", "new client",
        "new tenants", "open to", "claim back", "claim the", "hand-stripping", "single coat", "single-coated",
        "no longer keep up", "new year", "happy new year", "new season", "as good as new", "like new",
        "good as new", "new tyre", "new tyres", "new chain", "new brake pads", "call us", "call in", "sale of goods",
    ),
    negations=(
        "no", "not", "never", "without", "nor", "none", "t", "cannot", "instead of", "rather than", "skip",
        "skipping", "no need for", "no need to", "bypass", "avoid", "refuse", "refused", "closed",
    ),
    post_negations=("is not", "are not", "isn't", "aren't", "was not", "were not", "is no longer",
                    "are no longer", "not something we", "is off the table", "are off the table"),
    breaks=frozenset({"but", "and", "then", "so", "because", "however", "although", "though", "whereas", "while",
                      "instead"}),
    talk=(
        "why", "say no", "saying no", "says no", "said no", "politely decline", "decline", "declining", "declines",
        "turn down", "turning down", "turn it down", "refer them", "refer her", "refer him", "recommend a",
        "recommend an", "recommend instead", "we recommend", "here s why", "no and here", "evidence", "myth",
        "handing over", "hand over", "pass on to", "point them to", "another groomer", "another gardener",
    ),
    reported=(
        "asked if", "asks if", "asking if", "asked whether", "asks whether", "asking whether", "asked for",
        "asks for", "asking about", "asked about", "asks about", "review that", "review saying", "who says",
        "who said", "who wrote", "who asked", "quote from", "quoting", "a review", "the review", "google review",
        "review from", "review by",
    ),
    mention=("word", "term", "phrase", "buzzword", "avoid", "avoiding", "without the word", "ban", "banned",
             "without mentioning", "without using", "without saying", "never say", "don't say", "don't use the"),
    inner_negations=frozenset({"without"}),
    exceptions=frozenset({"outside", "except", "excluding", "besides", "beyond"}),
    connectors=frozenset({"or", "nor", "and", "/"}),
    light=frozenset({
        "outsourcing", "outsourced", "service", "services", "work", "job", "jobs", "product", "products", "offer",
        "offers", "client", "clients", "customer", "customers", "request", "requests", "kind", "type", "types",
    }),
    irregular={
        "sell": ("sold",), "buy": ("bought",), "build": ("built",), "lay": ("laid",), "pay": ("paid",),
        "take": ("took", "taken"), "shave": ("shaven",), "do": ("did", "done"), "make": ("made",),
        "come": ("came",), "see": ("saw", "seen"),
    },
)

VOCABULARIES: dict[str, Vocabulary] = {"fr": FR, "en": EN}
