"""What the request check knows about words, one block per language: concept families and cue phrases.

A concept is a family of phrases that name one thing in a request: "vente" is also "à vendre", an
"annonce", a "fiche produit". A refusal's words pick the families it speaks of (by a phrase or a key);
a request hits the refusal when it names those families. Written as general small-business knowledge.

Phrase syntax, matched on folded words (lower case, no accents; "l'", "d'" kept as their own words; "€" and
"£" read as "euros" and "pounds"): inflected forms are generated ("vendre" also matches "vendons", "vendu";
"shave" matches "shaving"; a line of business only takes its plural and feminine: "vet", not "vetting");
``=word`` matches that exact word only; ``word*`` matches any word that starts with ``word`` (4+ letters);
``_`` matches any one word ("at _ flat": "at his flat", "at her flat"). A phrase never runs over a punctuation
mark. A longer phrase also names the families of its words ("idées de logo" is a logo too), unless it is a
cue or a neutral phrase, so a family needs no copy of another's phrases.

The lists are trade and world knowledge a small business would recognise (synonyms, hyponyms, trade and
brand names), not sentences of the evaluation set; cue phrases are general ways of saying no, explaining,
reporting someone else's words or agreeing to them.
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
    activity: bool = False  # what any business does (selling, delivering, repairing): alone, it names no refusal


@dataclass(frozen=True)
class Vocabulary:
    """Everything the check needs to know about one language."""

    concepts: Mapping[str, Concept]
    neutral: tuple[str, ...]  # look like a concept but are not: "remis à neuf" is repair, not a new bike
    negations: tuple[str, ...]  # open a negation scope: what follows is denied, not asked for
    particles: tuple[str, ...]  # its plain words of negation, read in a request of the other language too
    post_negations: tuple[str, ...]  # deny what comes just before: "payslips are not something we do"
    breaks: frozenset[str]  # words that close a negation scope ("mais", "and")
    talk: tuple[str, ...]  # the request talks about a refusal (explains it, says no) rather than asking for it
    soft_talk: tuple[str, ...]  # the same, for the clause where it stands and those after it only ("désolé, ...")
    reported: tuple[str, ...]  # someone else's words follow: "asked if", "m'écrit"
    mention: tuple[str, ...]  # a word is quoted as a word: "avoid the word", "sans le mot"
    agree: tuple[str, ...]  # the request says yes to what someone asked: "réponds-lui que oui", "confirm"
    inner_negations: frozenset[str]  # inside a refusal: "No treatment without an assessment"
    exceptions: frozenset[str]  # inside a refusal: "No clients outside hospitality and retail"
    connectors: frozenset[str]  # split a refusal into alternatives: "ni", "or"
    light: frozenset[str] = field(default_factory=frozenset)  # refusal words too generic to require
    irregular: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # extra forms: sell -> sold


def _c(*phrases: str, keys: tuple[str, ...] = (), needs: str = "", sector: bool = False,
       activity: bool = False) -> Concept:
    return Concept(tuple(phrases), keys, needs, sector, activity)


# ------------------------------------------------------------------------------------------------ French


def _anaphoric_denials(pronouns: tuple[str, ...], verbs: tuple[str, ...]) -> tuple[str, ...]:
    """"ne le faisons pas", "n'en vendons pas": a denial of something named earlier in the request."""
    return tuple(f"{p} {v}" for p in pronouns for v in verbs)


FR_SECTORS: dict[str, Concept] = {
    "sante": _c("médecin", "généraliste", "kiné", "kinésithérapeute", "infirmier", "infirmière", "dentiste",
                "chirurgien-dentiste", "orthodontiste", "sage-femme", "orthophoniste", "ostéopathe", "psychologue",
                "podologue", "pédicure", "orthoptiste", "ergothérapeute", "psychomotricien", "diététicien", "pharmacie",
                "pharmacien", "cabinet médical", "maison de santé", "centre de santé", "clinique", "vétérinaire",
                "opticien", keys=("santé", "professions de santé", "professionnels de santé",
                                  "professions médicales", "paramédical"), sector=True),
    "droit": _c("avocat", "avocate", "notaire", "huissier", "commissaire de justice", "juriste",
                "mandataire judiciaire", "cabinet d'avocats", "étude notariale",
                keys=("droit", "professions juridiques", "juridique"), sector=True),
    "batiment": _c("plombier", "électricien", "maçon", "couvreur", "menuisier", "charpentier", "carreleur", "plâtrier",
                   "peintre en bâtiment", "chauffagiste", "plaquiste", "serrurier", "façadier",
                   "entreprise de maçonnerie", "entreprise du bâtiment", "artisan du bâtiment", "terrassier",
                   keys=("bâtiment", "btp", "artisans du bâtiment"), sector=True),
    "commerce": _c("commerçant", "boutique", "magasin", "épicerie", "fleuriste", "boucherie", "boucher", "charcuterie",
                   "fromagerie", "librairie", "caviste", "primeur", "boulangerie", "pâtisserie", "bijouterie",
                   "magasin de vêtements", "concept store", "quincaillerie", "tabac", "presse",
                   keys=("commerce", "commerces", "commerce de détail", "commerces de proximité"), sector=True),
    "hotellerie": _c("hôtel", "camping", "gîte", "chambre d'hôtes", "auberge", "résidence de tourisme",
                     keys=("hôtellerie", "tourisme"), sector=True),
    "services_personne": _c("coiffeur", "coiffeuse", "salon de coiffure", "barbier", "esthéticienne",
                            "institut de beauté", "salle de sport", "coach sportif", "auto-école", "toiletteur",
                            "crèche", "aide à domicile", keys=("services à la personne", "beauté"), sector=True),
    "entreprises": _c("industriel", "usine", "pme industrielle", "start-up", "startup", "agence immobilière",
                      "promoteur immobilier", "transporteur", "agence de communication", "agence web", "ssii", "esn",
                      "association", "mairie", "collectivité", "agriculteur", "exploitation agricole", "viticulteur",
                      keys=("industrie", "immobilier", "agriculture"), sector=True),
}

FR_CONCEPTS: dict[str, Concept] = {
    **FR_SECTORS,
    # selling and buying
    "vente": _c("vente", "vendre", "à vendre", "en vente", "mise en vente", "acheter", "achat", "à l'achat", "prix",
                "fiche produit", "en stock", "stock", "disponible", "disponible à l'achat", "prix d'usine",
                "qu'on propose", "que nous proposons", "que l'on propose", "commander", "précommande", "annonce",
                "leboncoin", "proposition commerciale", "proposer nos", "proposer notre", "fournir", "fourniture",
                "fournisseur de", "approvisionner", "approvisionnement", "proposition", "référencer",
                "référencement de nos", "revendeur", "distribuer", "distribution", "écouler", "liquider", "dépôt-vente",
                "en dépôt", "en magasin", "en boutique", "partenariat", "contrat d'approvisionnement",
                "mettre en rayon", activity=True),
    "neuf": _c("neuf", "jamais roulé", "jamais servi", "jamais utilisé", "jamais sorti", "jamais déballé",
               "encore emballé", "dans leur carton", "dans son carton", "dans leurs cartons", "sous blister",
               "emballage d'origine", "sorti d'usine", "prix d'usine", "garantie constructeur", "nouveau modèle",
               "nouvelle gamme", "nouvelle collection", "dernier modèle", "dernière génération", "nouveauté",
               "arrivage", "catalogue", "millésime", "vient de recevoir", "venons de recevoir", "vient d'arriver",
               "viennent d'arriver", "juste arrivé", "tout juste arrivé", "zéro kilomètre", "nouveau vélo",
               "nouveau vtt", "nouveau vtc", "nouveau vae", "nouvelle bicyclette", "revendeur officiel",
               "revendeur agréé", "distributeur officiel", "concessionnaire", "gamme de vélos", "gamme de vtt",
               "gamme de vtc", "gamme de vae", "leur gamme", "gamme complète", "prix public", "prix conseillé",
               "prix catalogue"),
    "promotion": _c("=promotions", "en promotion", "en promo", "promo", "code promo", "remise", "réduction", "rabais",
                    "black friday", "french days", "cyber monday", "prix barré", "déstockage", "liquidation",
                    "fin de série", "=soldes", "en solde", "=soldee", "=soldees", "offre spéciale",
                    "offre exceptionnelle", "offre de lancement", "offre limitée", "prix de lancement", "vente privée",
                    "ventes flash", "vente flash", "bon plan", "bon de réduction", "coupon", "deux pour un", "2 pour 1",
                    "1 acheté 1 offert", "un acheté un offert", "deuxième offert", "deuxième _ offert",
                    "deuxième _ est offert", "2e offert", "2e _ offert", "2e _ est offert", "second offert",
                    "second _ offert", "second _ est offert", "offert pour tout achat", "offert dès", "moitié prix",
                    "prix cassé", "prix réduit", "prix sacrifié", "prix choc", "petit prix", "prix spécial",
                    "tarif préférentiel", "opération spéciale", "durée limitée", "temps limité", "jusqu'à épuisement",
                    "euros au lieu de", "au lieu de _ euros", keys=("promotion", "soldes"), activity=True),
    "devis": _c("devis", "chiffrage", "chiffrer", "estimation", "estimer", "prix", "tarif", "combien", "coût", "coûter",
                "coûte", "montant", activity=True),
    "telephone": _c("téléphone", "téléphonique", "par tél", "par tel", "au tél", "au tel", "appel", "appeler",
                    "appelle", "appellent", "coup de fil", "au bout du fil", "répondeur", "standard téléphonique"),
    # bikes and personal transport
    "velo": _c("vélo", "vtt", "vtc", "vae", "bicyclette", "biclou", "gravel", "vélo cargo", "vélo électrique",
               "vélo de route", "vélo de ville"),
    "trottinette": _c("trottinette", "trottinette électrique", "trott", "gyroroue", "monoroue", "gyropode",
                      "hoverboard", "overboard", "edpm", "engin de déplacement personnel", "ninebot", "segway",
                      "dualtron", "xiaomi", "m365", "kaabo", "inmotion", "kingsong", "onewheel", "solowheel",
                      "skate électrique"),
    "reparation": _c("réparation", "réparer", "répare", "dépannage", "dépanner", "entretien", "révision", "réviser",
        activity=True),
    # web, marketing and design
    "ecommerce": _c("boutique en ligne", "e-commerce", "site e-commerce", "site marchand", "vente en ligne",
                    "vendre en ligne", "vendre _ en ligne", "vendre _ _ en ligne", "achat en ligne", "acheter en ligne",
                    "paiement en ligne", "payer en ligne", "commande en ligne", "commander en ligne",
                    "commander _ en ligne", "panier", "shopify", "woocommerce", "prestashop", "magento", "wix stores",
                    "click and collect", "click & collect", "marketplace", "etsy", "tunnel de commande",
                    "tunnel de vente", "boutique shopify"),
    "pub_payante": _c("publicité payante", "pub payante", "campagne payante", "google ads", "facebook ads", "meta ads",
                      "instagram ads", "linkedin ads", "tiktok ads", "microsoft ads", "bing ads", "ads", "adwords",
                      "référencement payant", "sea", "campagne de pub", "campagne de publicité",
                      "campagne publicitaire", "pub sur facebook", "pub sur instagram", "pub sur google",
                      "publicité sur facebook", "publicité sur google", "publicité sur instagram", "publicité en ligne",
                      "annonce google", "annonce facebook", "annonce instagram", "campagne sponsorisée",
                      "post sponsorisé", "publication sponsorisée", "lien sponsorisé", "annonce sponsorisée",
                      "sponsoriser", "annonce payante", "coût par clic", "cpc", "budget publicitaire", "budget pub",
                      "campagne google", "campagne facebook", "campagne instagram", "pub facebook", "pub google",
                      "pub instagram", "publicité facebook", "publicité google", "publicité instagram",
                      "booster une publication", "booster un post", "mot-clé payant", "enchères sur mots-clés",
                      "achat de mots-clés", "retargeting", "remarketing", "publicité ciblée", "pub ciblée"),
    "reseaux_sociaux": _c("réseaux sociaux", "réseau social", "instagram", "insta", "facebook", "linkedin", "tiktok",
                          "pinterest", "youtube", "snapchat", "twitter", "page facebook", "compte instagram",
                          "community manager", "community management", "les réseaux", "ses réseaux", "vos réseaux",
                          "leurs réseaux", "sur les réseaux", "stories", "reels"),
    "gestion": _c("gestion", "gérer", "gère", "gèrent", "gérons", "animer", "animation", "community manager",
                  "community management", "calendrier éditorial", "calendrier de publication",
                  "calendrier des publications", "planning de publication", "planning éditorial", "ligne éditoriale",
                  "programmer les", "programmation des", "planifier les", "publier à leur place", "publier pour",
                  "s'occuper de", "alimenter", "faire vivre", "prendre en main", "modérer", "modération",
                  "répondre aux commentaires", "réponse aux commentaires", "répondre aux avis", "répondre aux messages",
                  "réponse aux messages", "prendre en charge", "sur le compte", "sur votre compte", "sur son compte",
                  "sur leur compte", "sur vos comptes", "sur leurs comptes", "en son nom", "en leur nom", "à sa place",
                  "à leur place", "à votre place", "pour son compte", "pour leur compte", "pour le compte de",
                  "publications de la semaine", "posts de la semaine", "publications du mois", "posts du mois",
        activity=True),
    "logo": _c("logo", "logotype", "identité visuelle", "identité graphique", "charte graphique", "monogramme",
               needs="creation"),
    "creation": _c("créer", "création", "concevoir", "conception", "dessiner", "imaginer", "piste", "esquisse",
                   "croquis", "maquette", "refaire", "refonte", "moderniser", "redessiner", "retravailler",
                   "rafraîchir", "déclinaison", "variante", "nouveau logo", "proposition de logo", "idée de logo",
                   "un logo pour", "faire un logo", "fais un logo", "fais-moi un logo", activity=True),
    # bakery and food
    "gateau_fete": _c("pièce montée", "croquembouche", "wedding cake", "gâteau de mariage", "gâteau _ mariage",
                      "gâteau des mariés", "gâteau de noces", "gâteau pour le mariage", "gâteau pour leur mariage",
                      "dessert de mariage", "entremets de mariage", "gâteau à étages", "gâteau sur étages",
                      "gâteau en étages", "gâteau à plusieurs étages", "number cake", "layer cake", "naked cake",
                      "drip cake", "gâteau de baptême", "gâteau d'anniversaire à étages", "pyramide de choux"),
    "surgele": _c("surgel*", "congelé", "décongel*", "précuit", "pâton industriel", "pâte industrielle",
                  "terminal de cuisson", "cru surgelé", "prêt à cuire", "à cuire chez vous", "à cuire chez soi",
                  "à cuire à la maison"),
    "livraison": _c("livraison", "livrer", "livreur", "porter", "apporter", "déposer", "portage", "deliveroo",
                    "uber eats", "just eat", "coursier", "tournée", "tournée de livraison", "vous livre", "vous livrer",
                    "vous livrons", "livré chez", activity=True),
    "domicile": _c("domicile", "à domicile", "à votre domicile", "à la maison", "chez vous", "chez eux", "chez lui",
                   "chez elle", "jusque chez vous", "jusqu'à chez vous", "à votre porte", "devant votre porte",
                   "devant chez vous", "sur votre palier", "sur le pas de votre porte", "dans votre boîte aux lettres",
                   "au bureau", "dans vos bureaux", "sur votre lieu de travail", "chez les particuliers",
                   "chez nos clients", "aux particuliers", "livraison aux clients", "livrer nos clients",
                   "porter aux clients", "deliveroo", "uber eats", "just eat", "vous livre", "vous livrer",
                   "vous livrons", "livré chez"),
    "supermarche": _c("supermarché", "hypermarché", "supérette", "grande surface", "gms", "grande distribution",
                      "centrale d'achat", "carrefour", "carrefour market", "carrefour city", "leclerc", "auchan",
                      "intermarché", "lidl", "aldi", "monoprix", "franprix", "super u", "hyper u", "système u", "netto",
                      "cora", "casino shop", "géant casino", "spar", "vival", "biocoop", "naturalia", "la vie claire",
                      "grand frais", "picard", "promocash", "rayon pain", "rayon boulangerie", "en rayon",
                      "dans son rayon", "dans leur rayon", "dans ses rayons", "dans leurs rayons", "chef de rayon",
                      "linéaire"),
    "chaine": _c("chaîne", "franchise", "franchisé", "enseigne", "réseau de restaurants", "groupe de restaurants",
                 "mcdonald", "burger king", "kfc", "subway", "quick", "starbucks", "flunch", "buffalo grill",
                 "hippopotamus", "courtepaille", "del arte", "pizza hut", "léon de bruxelles", "big mamma", "exki",
                 "cojean", "sodexo", "elior", "big fernand", "sushi shop", "o'tacos", "poivre rouge", "la mie câline",
                 "brioche dorée", "columbus café", "pomme de pain", "class'croûte"),
    "restauration": _c("restauration", "restaurant", "resto", "brasserie", "bistrot", "cantine", "traiteur", "pizzeria",
                       "crêperie", "sandwicherie", "hôtel", "fast-food", "snack", "cafétéria", "self",
                       "restauration rapide", "restauration collective", "cuisine centrale", "mcdonald", "burger king",
                       "kfc", "subway", "starbucks", "flunch", "buffalo grill", "hippopotamus", "courtepaille",
                       "del arte", "pizza hut", "léon de bruxelles", keys=("restauration", "hôtellerie-restauration"),
                       sector=True),
    # accounting
    "paie": _c("paie", "la paye", "sa paye", "fiche de paie", "fiche de paye", "bulletin de paie", "bulletin de paye",
               "bulletin de salaire", "dsn", "déclaration sociale nominative", "logiciel de paie", "gestion de la paie",
               "payroll", "=salaires", "charges sociales des salariés", "cotisations salariales",
               "solde de tout compte", "gestion sociale", "volet social", "payfit", "silae"),
    "compta": _c("comptabilité", "compta", "tenue comptable", "tenue de comptabilité", "tenir la comptabilité",
                 "tenir les comptes", "tenue des comptes", "bilan", "liasse fiscale", "comptes annuels",
                 "saisie comptable", "grand livre"),
    "sci": _c("sci", "société civile immobilière", "sci familiale", "sci de gestion", "sci à l'ir", "sci à l'is",
              "2072"),
    "lmnp": _c("lmnp", "lmp", "loueur en meublé", "loueur meublé", "location meublée", "meublé de tourisme",
               "appartement meublé", "studio meublé", "location courte durée", "airbnb", "abritel", "booking",
               "location saisonnière", "gîte", "chambre d'hôtes", "loueur en meublé non professionnel", "statut lmnp",
               "2031"),
    "impot_revenu": _c("impôt sur le revenu", "impôt", "ir", "déclaration de revenus", "déclaration d'impôt",
                       "déclaration d'impôts", "déclaration des revenus", "déclaration d'ir", "2042", "2044",
                       "feuille d'impôt", "impots.gouv", "revenus fonciers", "avis d'imposition",
                       "prélèvement à la source", "foyer fiscal", "quotient familial", "parts fiscales", "ifi",
                       "impôt sur la fortune immobilière"),
    "particulier": _c("particulier", "foyer", "foyer fiscal", "ménage", "contribuable", "conjoint", "conjointe",
                      "épouse", "époux", "=mari", "=maris", "sa femme", "couple", "pacsé", "concubin", "=personnelle",
                      "=personnelles", "=personnels", "à titre personnel", "perso", "à titre privé", "famille",
                      "retraité", "impôt sur le revenu", "déclaration de revenus", "déclaration d'impôt",
                      "déclaration d'impôts", "2042", "2044", "feuille d'impôt", "impots.gouv", "ifi"),
    "rendez_vous": _c("rendez-vous", "rdv", "sans rendez-vous", "recevoir", "reçoit", "reçois", "recevons", "reçoivent",
                      "recevez", "ouvert", "ouverture", "ouvrir", "ouvre", "ouvrons", "permanence", "créneau",
                      "accueil", "accueillir", "accueillons", "consultation", "rencontre", "rencontrer", "disponible",
                      "disponibilité", "passer au cabinet", "venir au cabinet"),
    # garden, animals, care
    "arbre": _c("arbre", "chêne", "thuya", "sapin", "conifère", "peuplier", "bouleau", "saule", "platane",
                "arbre fruitier", "pommier", "cerisier", "noyer", "tilleul", "frêne", "hêtre", "cyprès", "pin"),
    "abattage": _c("abattage", "abattre", "couper _ arbre", "couper les arbres", "dessouchage", "dessoucher",
                   "rogner la souche", "enlever la souche", "arracher la souche", "tronçonner", "élagage radical",
                   "étêter", "étêtage"),
    "pesticide": _c("pesticide", "insecticide", "herbicide", "fongicide", "désherbant chimique", "glyphos*", "roundup",
                    "anti-limace", "granulés anti-limaces", "produit phytosanitaire", "phytosanitaire",
                    "traitement chimique", "produits chimiques", keys=("désherbant",)),
    "chat": _c("chat", "chaton", "félin", "maine coon", "persan", "sacré de birmanie", "british shorthair", "sphynx"),
    "rasage": _c("raser", "rasage", "tonte à ras", "tondre à ras", "tonte intégrale", "tondre entièrement",
                 "tondre complètement", "tonte complète", "tondu à ras"),
    "visite_domicile": _c("visite à domicile", "à domicile", "à votre domicile", "se déplacer chez", "se déplace chez",
                          "nous déplacer chez", "chez le patient", "chez les patients", "dans votre salon",
                          "sans vous déplacer", keys=("visites à domicile",)),
    "acupuncture": _c("acupuncture", "aiguille", "dry needling", "puncture sèche", "acupuncteur"),
    # a request for our work, for "pas de clients hors de ..." refusals
    "client_work": _c("client", "cliente", "nouveau client", "nouvelle cliente", "proposition", "devis", "honoraires",
                      "forfait", "lettre de mission", "accompagner", "prendre en charge", "travailler avec",
                      "nouveau dossier", "offre de service", "mail de bienvenue", "mail d'accueil"),
    "samedi": _c("samedi", "week-end", "weekend", "fin de semaine"),
    "dimanche": _c("dimanche", "week-end", "weekend", "jour férié"),
}

# Tells what not to say ("ne parle pas d'anti-âge", "don't mention 'bespoke'"): words named as words, under a
# negation (both labels: at a position the longest phrase wins, and "don't use" must still deny).
_NOT_SAYING_FR = ("ne parle pas de", "ne parle pas d", "ne parlez pas de", "ne parlez pas d", "ne mentionne pas",
                  "ne mentionnez pas", "ne dis pas", "ne dites pas", "n'utilise pas", "n'utilisez pas",
                  "n'emploie pas", "n'employez pas", "n'écris pas", "n'écrivez pas")
_NOT_SAYING_EN = ("don't mention", "do not mention", "never mention", "do not say", "do not use", "never use",
                  "don't use")

FR = Vocabulary(
    concepts=FR_CONCEPTS,
    neutral=(
        # "neuf" that is no new product: repair, parts, news
        "remis à neuf", "remise à neuf", "remettre à neuf", "comme neuf", "état neuf", "à l'état neuf",
        "pièce neuve", "pneu neuf", "chaîne neuve", "câble neuf", "frein neuf", "plaquette neuve", "patin neuf",
        "transmission neuve", "cassette neuve", "dérailleur neuf", "batterie neuve", "roue neuve", "jante neuve",
        "selle neuve", "guidon neuf", "pédale neuve", "éclairage neuf", "quoi de neuf", "rien de neuf",
        "nouveau client",
        # a purchase already made, elsewhere
        "acheté neuf", "achetée neuve", "a acheté", "ont acheté", "avez acheté", "as acheté", "vient d'acheter",
        "viennent d'acheter", "venez d'acheter", "déjà acheté", "acheté sur internet", "acheté en ligne",
        "acheté ailleurs",
        # no discount, no sale, no delivery to the customer, no frozen product
        "code promo étudiant", "promo étudiante", "remise en état", "remise en route", "remise en service",
        "remise à niveau", "remise des prix", "remise des clés", "solde de la facture", "solde du compte",
        "prix annoncé", "diagnostic gratuit", "livraison de pièces", "délai de livraison", "chaîne de vélo",
        "gestion des stocks", "gestion du temps", "en toutes lettres", "se congèle", "se congèlent", "se congeler",
        # no denial: reassurance, marketing imperatives, "not only"
        "pas de souci", "pas de problème", "sans souci", "sans problème", "n'hésitez pas", "ne ratez pas",
        "ne manquez pas", "ne tardez pas", "n'attendez pas", "ne passez pas à côté", "je ne fais pas que",
        "nous ne faisons pas que", "on ne fait pas que", "pas seulement", "nous ne _ pas que", "on ne _ pas que",
        "nous ne _ pas seulement", "on ne _ pas seulement", "nous ne _ plus seulement", "on ne _ plus seulement",
        "nous n hésitons pas", "on n hésite pas",
    ),
    negations=(
        "ne", "n", "pas", "jamais", "aucun", "aucune", "rien", "zéro", "sans", "ni", "non", "nullement", "impossible",
        "plutôt que",
        "au lieu de", "au lieu d", "pas besoin de", "pas besoin d", "sauter", "zapper", "se passer de", "refuser",
        "refusons", "refuse", "éviter", "évitons", "arrêter", "arrêtons", "hors de question", "fermé", "fermeture",
        *_NOT_SAYING_FR,
    ),
    particles=("pas", "jamais", "aucun", "aucune", "rien", "sans", "nullement"),
    post_negations=("n'est pas", "ne sont pas", "n'est plus", "ne sont plus", "ne fait pas partie",
                    "ne font pas partie", "c'est non", "n'est pas possible", "reste à sa charge",
                    "restent à sa charge", "reste à leur charge", "restent à leur charge", "reste à la charge",
                    "restent à la charge", "refusé", "refusée", "refusés", "refusées", "ne sont pas admis",
                    "ne sont pas acceptés", "ne sera pas accepté", "ne seront pas acceptés",
                    # left as it is: "la terrasse reste telle quelle"
                    "reste tel quel", "reste telle quelle", "restent tels quels", "restent telles quelles",
                    "n'est pas touché", "n'est pas touchée", "ne sont pas touchés", "ne sont pas touchées",
                    "non compris", "non comprise", "non inclus", "non incluse"),
    breaks=frozenset({"mais", "et", "puis", "donc", "car", "parce", "cependant", "pourtant", "alors", "sinon"}),
    talk=(
        # explains, weighs up
        "pourquoi", "notre choix", "la raison pour laquelle", "les raisons pour lesquelles", "faut-il",
        "différence entre", "avantages et inconvénients", "pour ou contre", "que choisir", "lequel choisir",
        "laquelle choisir", "lequel dure", "laquelle dure", "lequel est le meilleur", "laquelle est la meilleure",
        # says no
        "dire non", "dis non", "dit non", "que non", "répondre non", "répond non", "c'est non", "réponse négative",
        "par la négative", "non et pourquoi", "décliner", "refuser poliment", "refuse poliment", "notre refus",
        "un refus", "mail de refus", "message de refus", "pas possible", "plus possible", "n'est plus possible",
        "n'est pas possible", "ce n'est pas possible", "ne sera pas possible",
        *(f"{we} {do}" for we in ("je ne", "nous ne", "on ne", "je n", "nous n", "on n")
          for do in ("fais", "faisons", "fait", "propose", "proposons", "vends", "vendons", "vend", "crée", "créons",
                     "gère", "gérons", "prends", "prenons", "livre", "livrons", "répare", "réparons", "accepte",
                     "acceptons", "offre", "offrons", "assure", "assurons", "travaille", "travaillons", "traite",
                     "traitons")),
        "ne travaillons qu", "ne travaille qu", "uniquement avec",
        # says what we do, whatever the verb: "nous ne tenons de stands que dans ...", "on vend seulement ..."
        "on reste", "nous restons", "je reste",  # "on reste dans la Marne": the business keeps to its line
        "nous ne", "on ne", "nous n", "on n", "nous _ seulement", "on _ seulement", "nous _ uniquement",
        "on _ uniquement", "je _ seulement", "je _ uniquement", "nous _ que dans", "on _ que dans", "non merci",
        "merci mais",
        # sends the customer elsewhere, or someone else does it
        "confrère", "consœur", "un autre atelier", "une autre boulangerie", "un autre cabinet", "un autre prestataire",
        "une autre adresse", "lui conseiller", "lui recommander", "orienter vers", "oriente vers", "rediriger vers",
        "oriente _ vers", "orienter _ vers", "orientez _ vers", "redirige _ vers", "orienter", "oriente",
        "orientez", "orientons", "rediriger", "redirige", "redirigez", "renvoie _ vers",
        "renvoyer vers", "diriger vers", "indiquer un autre", "indiquer une autre", "cabinet spécialisé",
        "prestataire spécialisé", "prestataire externe", "prestataire de paie", "gestionnaire de paie",
        "cabinet partenaire", "il faut passer par", "faut passer par", "doit passer par", "devez passer par",
        "doivent passer par",
        # denies what was named before: "explique que nous ne …", "on ne le fait pas"
        "que nous ne", "qu'on ne", "que l'on ne", "que je ne", "que nous n", "qu'on n", "que l'on n", "que je n",
        "ne pas le faire", "ne pas la faire", "ne pas les faire",
        *_anaphoric_denials(
            ("ne le", "ne la", "ne les", "ne l", "n en"),
            ("fais", "fait", "faisons", "faites", "font", "ferons", "propose", "proposons", "vend", "vends",
             "vendons", "prends", "prend", "prenons", "assure", "assurons", "gère", "gérons", "accepte",
             "acceptons", "livre", "livrons", "répare", "réparons", "crée", "créons", "traite", "traitons")),
    ),
    soft_talk=("désolé", "désolée", "malheureusement", "à la place", "ailleurs", "plutôt",
               # called off: "sortie annulée demain, 28 nœuds annoncés" applies the refusal
               "annulé", "annulée", "annulés", "annulées", "reporté", "reportée", "reportés", "reportées",
               "décalé", "décalée", "décalés", "décalées", "repoussé", "repoussée", "repoussés", "repoussées",
               "annulation", "on annule", "nous annulons"),
    reported=(
        *(f"{asks} {whether}" for asks in ("demande", "demandent", "demandait", "se demande", "veut savoir",
                                            "veulent savoir", "voudrait savoir", "aimerait savoir", "souhaite savoir")
          for whether in ("si", "s'il", "s'ils")),
        "m'écrit", "nous écrit", "m'a écrit", "nous a écrit", "me demande", "nous demande", "m'a demandé",
        "nous a demandé", "nous ont demandé", "m'ont demandé", "me pose la question", "nous pose la question",
        "qui dit", "avis qui dit", "un avis", "l'avis", "cet avis", "avis google", "son avis", "leur avis",
        "ce commentaire", "un commentaire", "le commentaire", "son commentaire",
        "qui écrit", "écrit que", "où elle écrit", "où il écrit", "qui trouve que", "trouve que", "nous a appelés",
        "nous appelle", "nous surnomme",
        # a message quoted to be answered: "réponds à ce message d'une maman : « ... »"
        "ce message", "son message", "leur message", "ce mail", "son mail", "leur mail", "cet e-mail", "cet email",
        "ce sms", "son sms", "ce texto", "son texto",
    ),
    mention=("mot", "terme", "expression", "évitant", "éviter", "évite", "sans le mot", "sans les mots", "bannir",
             "interdit", "sans parler de", "sans parler d", "sans mentionner", "sans utiliser", "sans employer",
             "sans dire", "sans le _", "sans la _", "sans les _", "sans l _", "sans nous _", "sans se _",
             # words set aside for others: "dis « solide » plutôt que « increvable »"
             "plutôt que", "au lieu de", "des mots comme", "rien sur", "rien de", "sans parler",
             # takes words out of a text: "réécris-le en enlevant « cosy »"
             "enlever", "enlevant", "enlève", "enlevez", "ôter", "ôtant", "ôte", "retirer", "retirant", "retire",
             "retirez", "supprimer", "supprimant", "supprime", "supprimez",
             *_NOT_SAYING_FR),
    agree=("oui", "que oui", "réponse positive", "répondre oui", "réponds oui", "dire oui", "dis oui", "dis-lui oui",
           "accepter", "accepte", "acceptons", "d'accord", "confirmer", "confirme", "confirmant",
           "bien sûr", "avec plaisir", "volontiers", "pas de souci", "pas de problème", "aucun problème",
           "aucun souci"),
    inner_negations=frozenset({"sans", "non"}),
    exceptions=frozenset({"hors", "sauf", "hormis", "excepte", "dehors"}),
    connectors=frozenset({"ni", "ou", "et", "/"}),
    light=frozenset({
        "mission", "missions", "service", "services", "prestation", "prestations", "produit", "produits", "offre",
        "offres", "travail", "travaux", "demande", "demandes", "client", "clients", "type", "types",
    }),
)


# ----------------------------------------------------------------------------------------------- English

EN_SECTORS: dict[str, Concept] = {
    "hospitality": _c("café", "cafe", "coffee shop", "restaurant", "pub", "bar", "hotel", "b&b", "bed and breakfast",
                      "bakery", "tearoom", "tea room", "bistro", "takeaway", "catering", "caterer", "deli", "brewery",
                      "wine bar", "guest house", "ice cream parlour", "food truck", "food van", "pizzeria",
                      "sandwich shop", "juice bar", "cocktail bar", "gastropub", "inn", "hostel", "canteen",
                      "street food", keys=("hospitality",), sector=True),
    "retail": _c("shop", "store", "boutique", "retailer", "florist", "butcher", "greengrocer", "grocer", "bookshop",
                 "newsagent", "off-licence", "gift shop", "market stall", "jeweller", "hardware store", "farm shop",
                 "bike shop", "convenience store", "shopkeeper", "chemist", "pharmacy", "fishmonger", "wine shop",
                 "bottle shop", "toy shop", "record shop", "clothes shop", "charity shop", "garden centre", "pet shop",
                 "deli counter", "delicatessen", keys=("retail",), sector=True),
    "professional": _c("architect", "architecture", "architectural", "solicitor", "law firm", "lawyer", "barrister",
                       "dentist", "dental", "dental practice", "gp surgery", "medical practice", "clinic", "physio",
                       "physiotherapist", "osteopath", "chiropractor", "optician", "optometrist", "vet", "veterinary",
                       "consultancy", "consultant", "marketing agency", "design agency", "estate agent",
                       "letting agent", "recruitment agency", "insurance broker", "financial adviser",
                       "accountancy firm", "it company", "software company", "tech company", "startup",
                       "engineering firm", "surveyor", "counsellor", "therapist", "photographer", "web designer",
                       "graphic designer", "tutor", sector=True),
    "trades": _c("plumber", "plumbing", "electrician", "electrical contractor", "builder", "building firm",
                 "building company", "roofer", "roofing", "joiner", "joinery", "carpenter", "decorator", "plasterer",
                 "landscaper", "scaffolder", "scaffolding", "construction company", "construction firm",
                 "heating engineer", "gas engineer", "tiler", "bricklayer", "locksmith", "glazier", "window fitter",
                 "kitchen fitter", "garage owner", "car garage", "mechanic", "mot centre", "window cleaner", "removals",
                 "removal company", sector=True),
    "personal_services": _c("hairdresser", "hair salon", "barber", "beauty salon", "nail salon", "nail bar",
                            "tattoo studio", "gym", "personal trainer", "yoga studio", "pilates studio", "dog groomer",
                            "dog walker", "childminder", "care home", "driving instructor", "driving school",
                            "cleaning company", "cleaner", "massage therapist", sector=True),
    "other_sectors": _c("charity", "property developer", "landlord", "buy-to-let", "haulier", "haulage", "courier firm",
                        "taxi firm", "football club", "sports club", "school", "college", "church", "council",
                        "manufacturer", "factory", "wholesaler", "farm", "farmer", sector=True),
}

EN_CONCEPTS: dict[str, Concept] = {
    **EN_SECTORS,
    # selling and buying
    "selling": _c("sell", "sale", "for sale", "on sale", "buy", "purchase", "price", "priced at", "pounds", "in stock",
                  "available to buy", "available now", "listing", "product page", "order now", "pre-order", "stockist",
                  "wholesale", "supply", "supplier to", "trade account", "sales pitch", "in store", "in-store",
                  "shift our stock", "clear our stock", "sell off", activity=True),
    "new": _c("new", "brand new", "brand-new", "unused", "boxed", "never ridden", "never used", "still in the box",
              "still boxed", "unopened", "factory sealed", "latest model", "new model", "new range",
              "this year's range", "this year's model", "catalogue", "just arrived", "new arrivals", "new stock",
              "manufacturer's warranty", "zero miles"),
    "promotion": _c("discount", "promo", "promotion", "promo code", "discount code", "voucher code", "coupon",
                    "half price", "half-price", "half off", "black friday", "cyber monday", "special offer",
                    "limited-time offer", "limited time only", "this week only", "this month only", "=sales",
                    "summer sale", "winter sale", "january sale", "clearance sale", "two for one", "2 for 1",
                    "buy one get one", "bogof", "money off", "cut-price", "reduced price", "price cut", "flash sale",
                    "percent off", "per cent off", "off everything", "off all", "off selected", "off your first",
                    "introductory offer", "instead of pounds", "reduced from", "early bird",
                    keys=("promotions", "sales", "discounts"), activity=True),
    "quote": _c("quote", "quotation", "estimate", "price", "pricing", "how much", "cost", "ballpark", activity=True),
    "phone": _c("phone", "telephone", "over the phone", "by phone", "on the phone", "phone call", "call", "ring",
                "answerphone", "voicemail"),
    "delivery": _c("delivery", "deliver", "courier", "deliveroo", "uber eats", "just eat", "drop round", "drop off",
                   "drop it round", "bring round", "we bring", "bring it to", activity=True),
    "home": _c("home", "your door", "doorstep", "to your house", "to your home", "deliveroo", "uber eats", "just eat",
               "home delivery"),
    "frozen": _c("frozen", "freezer", "freeze", "defrost*", "thaw*", "part-baked", "bake at home", "bake-off",
                 "ready to bake"),
    "wedding_cake": _c("wedding cake", "tiered cake", "celebration cake", "croquembouche", "naked cake", "drip cake",
                       "cake tower", "cake for _ wedding", "cake for the wedding", keys=("wedding cakes",)),
    # web, marketing and design
    "online_shop": _c("online shop", "online store", "webshop", "e-commerce", "ecommerce", "shopify", "woocommerce",
                      "squarespace commerce", "checkout", "shopping cart", "sell online", "sell _ online", "buy online",
                      "order online", "take payments online", "online payments", "pay online", "stripe", "paypal",
                      "click and collect", "click & collect", "marketplace", "etsy shop", "etsy"),
    "paid_ads": _c("paid ads", "paid advertising", "google ads", "facebook ads", "meta ads", "instagram ads",
                   "linkedin ads", "tiktok ads", "bing ads", "adwords", "ppc", "pay per click", "pay-per-click",
                   "sponsored post", "sponsored ad", "sponsored content", "sponsored listing", "boosted post",
                   "boost a post", "ad campaign", "ad budget", "ad spend", "paid social", "paid search", "retargeting",
                   "remarketing", "display ads"),
    "social_media": _c("social media", "social accounts", "socials", "instagram", "insta", "facebook", "linkedin",
                       "tiktok", "pinterest", "youtube", "twitter", "facebook page", "instagram account", "stories",
                       "reels"),
    "management": _c("manage", "management", "run their", "run her", "run his", "running their", "community manager",
                     "content calendar", "posting schedule", "post for them", "post on their behalf", "on their behalf",
                     "on her behalf", "on his behalf", "look after", "schedule posts", "reply to comments",
                     "respond to comments", "moderate comments", "comment moderation", "posts for the month",
                     "posts for the week", "weekly posts", "monthly posts", activity=True),
    "logo": _c("logo", "brand identity", "visual identity", "brand mark", "logotype", "monogram", needs="design"),
    "design": _c("design", "create", "draw", "sketch", "concept", "new logo", "rebrand", "redesign", "mock-up",
                 "mockup", "logo options", "three options", "logo ideas", "a logo for", "make a logo", "refresh",
        activity=True),
    "repair": _c("repair", "fix", "servicing", "tune-up", "puncture", activity=True),
    "scooter": _c("e-scooter", "electric scooter", "scooter", "unicycle", "onewheel", "hoverboard", "segway", "ninebot",
                  "xiaomi"),
    "bike": _c("bike", "bicycle", "e-bike", "ebike", "cargo bike", "road bike", "mountain bike", "mtb"),
    # payroll and accounts
    "payroll": _c("payroll", "payslip", "pay slip", "wage slip", "paye", "p60", "p45", "p11d", "p32", "auto-enrolment",
                  "auto enrolment", "pension enrolment", "workplace pension", "pension contributions", "rti",
                  "rti submission", "pay run", "staff pay", "holiday pay", "statutory sick pay", "ssp", "smp",
                  "employer's ni", "employer ni", "tronc", "starters and leavers"),
    "year_end": _c("year-end accounts", "year end accounts", "annual accounts", "statutory accounts", "final accounts",
                   "end of year accounts", "end-of-year accounts", "companies house accounts",
                   "accounts for companies house", "filing with companies house", "file _ at companies house",
                   "abridged accounts", "dormant accounts", "micro-entity accounts", "file the accounts",
                   "file their accounts", "file her accounts", "file his accounts", "accounts filing"),
    "corporation_tax": _c("corporation tax", "ct600", "ct return", "company tax return", "company tax", "corp tax",
                          "tax computation", "tax return for the company", "tax return for her company",
                          "tax return for his company", "tax return for their company",
                          keys=("corporation tax return",)),
    "container": _c("shoebox", "shoe box", "box", "bag", "carrier bag", "bin bag", "pile", "heap", "stack", "bundle",
                    "envelope", "carton", "crate", "drawer", "drawer full", "sack", "suitcase", "folder", "binder",
                    "wad", "handful", "tin", "biscuit tin", "mountain"),
    "receipt": _c("receipt", "paper receipt", "till receipt", "paperwork", "crumpled receipts", "paper invoice",
                  "paper bills"),
    # garden care
    "tree": _c("tree", "leylandii", "conifer", "oak", "sycamore", "ash tree", "birch", "willow", "fir tree",
               "pine tree", "cypress", "beech", "apple tree", "pear tree", "cherry tree", "plum tree", "eucalyptus",
               "poplar", "horse chestnut", "yew", "lime tree", "maple", "monkey puzzle"),
    "felling": _c("fell", "felling", "cut down", "cut _ down", "chop down", "chop _ down", "take down", "take _ down",
                  "tree removal", "remove the tree", "remove a tree", "remove _ trees", "get rid of the tree",
                  "tree surgery", "pollard", "pollarding", "crown reduction", "dismantle", "top the tree"),
    "stump": _c("stump", "stump grinding", "stump grinder", "stump removal", "grind out", "grind _ stump",
                keys=("stump grinding",)),
    "weedkiller": _c("weedkiller", "weed killer", "herbicide", "glyphos*", "weed and feed", "path weedkiller",
                     "total weedkiller", "selective weedkiller", "spray the weeds", "spray weeds", "spray _ weeds",
                     "weed spray", "weed spraying", "chemical weed control", "kill weeds", "kill the weeds",
                     "kill _ weeds", "resolva", "pathclear", keys=("chemical weedkiller",)),
    "pesticide": _c("pesticide", "insecticide", "fungicide", "herbicide", "slug pellet", "metaldehyde", "glyphos*",
                    "bug spray", "bug killer", "neonicotinoid*", "weed and feed", "moss killer", "ant killer",
                    "ant powder", "wasp killer", "aphid spray", "greenfly spray", "systemic spray", "chemical spray",
                    "chemical treatment", "spray with chemicals", "chemicals", "provado"),
    "patio": _c("patio", "terrace", "decking", "deck", needs="build"),
    "paving": _c("paving", "paved", "pave", "block paving", "paving slab", "flagstone", "driveway", "paver", "setts",
                 "resin drive", "gravel drive", "indian sandstone", "porcelain slabs", "tarmac", needs="build"),
    "fencing": _c("fence", "fencing", "fence panel", "fence post", "garden wall", "boundary wall", "retaining wall",
                  "brick wall", "trellis", "feather edge", "close board", "picket fence", needs="build"),
    "build": _c("build", "lay", "re-lay", "install", "installation", "put in", "put up", "put down", "erect",
                "construct", "construction", "replace", "repair", "fix", "fit", "supply and fit", "resurface",
                "landscaping", "hard landscaping", activity=True),
    "one_off": _c("one-off", "one-time", "single visit", "one visit", "just once", "clear-out", "clearout",
                  "garden clearance", "clear the whole garden", "blitz", "big tidy", "big tidy-up", "end of tenancy",
                  keys=("one-off clearance",)),
    # dog grooming
    "cat": _c("cat", "kitten", "kitty", "feline", "moggy", "tabby", "maine coon", "ragdoll", "persian", "persian cat",
              "siamese", "bengal", "british shorthair", "sphynx", "lion cut", "cat groom", "cat groomer"),
    "shave": _c("shave", "shave-down", "shave down", "shaved down", "shaven", "buzz cut", "clip to the skin",
                "clip off", "clip-off", "clipped off", "clip it all off", "take it all off", "strip it all off",
                "number 1 blade", "down to the skin", "clip right down", "clipped right down", "all-over clip",
                "close clip"),
    "double_coat": _c("double coat", "double-coated", "double coated breed", "husky", "malamute", "samoyed",
                      "pomeranian", "golden retriever", "labrador", "german shepherd", "border collie", "rough collie",
                      "collie", "sheltie", "shetland sheepdog", "akita", "shiba inu", "chow chow", "keeshond",
                      "newfoundland", "bernese", "great pyrenees", "corgi", "spitz", "australian shepherd", "aussie",
                      "old english sheepdog", "alaskan", "elkhound", "finnish lapphund", "leonberger",
                      keys=("double-coated breeds",)),
    "walk_in": _c("walk-ins", "walk-in appointment", "walk-in slot", "walk-in basis", "walk-in service",
                  "walk-in session", "walk-in customer", "walk-in only", "walk-in welcome", "walk-in day",
                  "walk-in morning", "walk-in trim", "walk-in nail", "walk-in grooming", "walk in any time",
                  "walk in anytime", "just walk in", "drop in", "drop-in", "pop in", "just turn up", "turn up any time",
                  "no appointment", "no appointment needed", "no booking", "no booking needed", "no booking required",
                  "no reservation", "appointment not needed", "booking not needed", "without an appointment",
                  "without booking", "come in any time", "come along any time", "first come first served",
                  "no need to book", keys=("walk-in appointments",)),
    "show": _c("dog show", "show dog", "crufts", "championship show", "show ring", "ring prep", "ring-prep",
               "ring preparation", "ring ready", "ring-ready", "show trim", "show clip", "show cut", "show grooming",
               "show prep", "show preparation", "showing _ dog", "showing dogs", "competition grooming",
               "competition trim", "grooming competition", "breed show", "kennel club show", "best in show",
               "show-ready", "show season", "showing season", "conformation",
               keys=("show", "competition", "show grooming")),
    # physiotherapy
    "home_visit": _c("home visit", "house visit", "house call", "home physio", "home physiotherapy", "home session",
                     "at-home physio", "come and treat", "care home residents", "in care homes", "visit you at home",
                     "visit _ at home", "treat _ at home", "see _ at home", "visit _ in _ home", "treat _ in _ home",
                     "see _ in _ home", "see _ in the comfort", "treat _ in the comfort", "at _ house", "to _ house",
                     "at _ flat", "to _ flat", "come to you", "comes to you", "come to your home", "come to your house",
                     "travel to you", "we travel", "at your door", "to your door", "on your doorstep",
                     "travel to your home", "your own home", "mobile physio", "mobile physiotherapist",
                     "mobile service", "domiciliary", "home-based", "home appointment", "in-home", "housebound",
                     "no need to travel", "without leaving home", "without leaving your home", keys=("home visits",)),
    "treatment": _c("treatment", "treat", "hands-on", "session", "massage", "manipulation", "mobilisation", "therapy"),
    "assessment": _c("assessment", "initial assessment", "first assessment", "assess", "evaluation", "examination",
                     "examine", "consultation", "initial consultation", keys=("initial assessment",)),
    "needling": _c("dry needling", "needling", "needle", "acupuncture", "acupuncturist", "acupoint",
                   "electro-acupuncture", "electroacupuncture", "trigger point needling", "intramuscular stimulation",
                   keys=("dry needling",)),
    "legal_report": _c("medico-legal report", "medicolegal report", "medico-legal", "medicolegal", "medical report",
                       "expert report", "expert evidence", "expert opinion", "expert witness", "court report",
                       "report for court", "report for the court", "report for a solicitor", "report for the solicitor",
                       "report for her solicitor", "report for his solicitor", "report for their solicitor",
                       "report for a lawyer", "report for her lawyer", "report for his lawyer", "legal report",
                       "witness statement", "prognosis report", keys=("medico-legal reports",)),
    "injury_claim": _c("injury claim", "compensation claim", "personal injury", "whiplash claim", "claim",
                       "compensation", "lawsuit", "litigation", "insurance claim", "court case", "no win no fee",
                       "solicitor", "law firm", "lawyer", "claimant", "legal case", "accident claim",
                       "road traffic accident"),
    # a request for our work, for "no clients outside ..." refusals
    "client_work": _c("client", "customer", "new client", "new customer", "proposal", "quote", "=fee", "=fees",
                      "onboard", "take on", "taking on", "sign up", "engagement letter", "work with", "do her books",
                      "do his books", "do their books", "books", "welcome email", "welcome pack"),
    # appointments and days
    "appointment": _c("appointment", "booking", "slot", "open", "opening"),
    "saturday": _c("saturday", "weekend", "weekends"),
    "sunday": _c("sunday", "weekend", "weekends", "bank holiday"),
}

EN = Vocabulary(
    concepts=EN_CONCEPTS,
    neutral=(
        # the offer, or a neighbour of a refusal
        "leaf clearance", "gutter clearance", "cat-cow", "cat cow", "hand-stripping", "single coat",
        "single-coated", "new patient", "new customer", "new client", "new tenants", "new year", "happy new year",
        "new season", "as good as new", "like new", "good as new", "new tyre", "new tyres", "new chain",
        "new brake pads", "open to", "claim back", "claim the", "call us", "call in", "sale of goods",
        "no longer keep up",
        # a purchase already made, elsewhere
        "has bought", "have bought", "just bought", "already bought", "bought online", "bought elsewhere",
        "bought from",
        # no denial: reassurance, marketing imperatives, "not only"
        "no problem", "no worries", "don't miss", "do not miss", "don't wait", "don't forget", "do not forget",
        "don't hesitate", "never miss", "not to be missed", "no matter", "we don t just", "we do not just",
        "we don t only", "not only", "not just", "we do not only", "we no longer just", "we don t stop",
        "we can t wait", "we cannot wait", "we can t recommend _ enough", "we don t mind",
    ),
    negations=(
        "no", "not", "non", "never", "without", "nor", "none", "t", "cannot", "unable to", "instead of", "rather than",
        "skip", "skipping", "no need for", "no need to", "bypass", "avoid", "refuse", "refused", "closed",
        "nothing", "zero",
        *_NOT_SAYING_EN,
    ),
    particles=("no", "not", "never", "without", "nor", "none", "cannot", "nothing"),
    post_negations=("is not", "are not", "isn't", "aren't", "was not", "were not", "is no longer",
                    "are no longer", "not something we", "isn't something we", "is off the table",
                    "are off the table", "is not possible", "isn't possible", "refused", "turned away",
                    "not admitted", "not accepted", "not allowed",
                    # left as it is: "original finish left untouched", "the shop isn't part of the job"
                    "untouched", "left as it is", "left as is", "stays as it is", "stay as they are",
                    "not part of the job", "not included"),
    breaks=frozenset({"but", "and", "then", "so", "because", "however", "although", "though", "whereas", "while",
                      "instead"}),
    talk=(
        # explains, weighs up
        "why", "here s why", "the reason", "our policy", "evidence", "myth", "should you", "difference between",
        "which to choose", "which one to choose", "which is better", "which lasts longer",
        "pros and cons",
        # says no
        "say no", "saying no", "says no", "said no", "no and here", "politely decline", "decline", "declining",
        "declines", "turn down", "turning down", "turn it down", "refusal", "we regret",
        "not a service we", "outside what we", "can t help with", "not possible", "no longer possible",
        *(f"{we} {do_not} {do}" for we in ("we", "i") for do_not in ("don t", "do not", "no longer")
          for do in ("do", "offer", "provide", "sell", "take", "groom", "treat", "lay", "build", "handle", "accept",
                     "cover", "run", "file", "make", "create", "design", "manage", "use", "work with")),
        "by appointment only", "appointments only", "appointment only", "only work with",
        # says what we do or not, whatever the verb: "sorry, we only tune in Devon", "we can't come on site"
        "we stay inside", "we stay within", "we stay in", "we stick to", "i stick to",
        "we only", "we can only", "i only", "i can only", "we don t", "we do not", "we can t", "we cannot",
        "we won t", "we no longer",
        "no thanks", "no thank you", "thanks but",
        *(f"we only {verb}" for verb in ("do", "offer", "take", "work with", "groom", "treat", "see", "sell",
                                         "accept", "handle", "provide", "cover", "serve")),
        # sends the customer elsewhere, or someone else does it
        "refer them", "refer her", "refer him", "recommend a", "recommend an", "recommend instead", "we recommend",
        "we refer", "we'd refer", "we'll refer", "refer you", "refer the", "redirect",
        "suggest she", "suggest he", "suggest they", "point them to", "point her to", "point him to", "signpost",
        "handing over", "hand over", "pass on to", "another groomer", "another gardener", "another provider",
        "specialist provider", "specialist firm", "payroll bureau", "payroll provider", "their _ provider",
        "her _ provider", "his _ provider", "their accountant", "her accountant", "his accountant",
        "your accountant", "what we do instead", "what we offer instead",
        # denies what was named before: "reply that we don't", "we don't do that"
        *(f"{say} we {do_not}" for say in ("that", "explain", "explaining", "say", "reply", "saying", "tell her",
                                           "tell him", "tell them")
          for do_not in ("don t", "do not", "can t", "cannot", "won t", "no longer", "aren t", "are not", "re not")),
        *_anaphoric_denials(("don t _", "do not _", "can t _", "cannot _", "won t _", "no longer _"),
                            ("it", "that", "this", "them", "those", "these", "one")),
    ),
    soft_talk=("sorry", "unfortunately", "instead", "do instead", "elsewhere", "rather",
               # called off: "tonight's session is cancelled, gale-force winds forecast" applies the refusal
               "cancelled", "canceled", "called off", "postponed", "rescheduled", "rescheduling", "cancellation",
               "we cancel"),
    reported=(
        *(f"{asks}{us} {what}" for asks in ("asked", "asks", "asking") for us in ("", " _")
          for what in ("if", "whether", "about", "for")),
        "wants to know if", "wants to know whether", "wondering if",
        "wondering whether", "enquired about", "enquiring about", "enquiry about", "inquiry about",
        "review that", "review saying", "who says", "who said", "who wrote", "who asked", "quote from", "quoting",
        "a review", "the review", "google review", "review from", "review by", "this review", "her review",
        "tripadvisor review", "trustpilot review", "facebook review", "yelp review", "star review",
        "online review",
        "his review", "their review", "that review", "this comment", "a comment", "the comment", "her comment",
        "his comment",
        "review says", "called us", "calls us", "wrote that", "writes that",
        # a message quoted to be answered: "reply to this message from a client: '...'"
        "this message", "her message", "his message", "their message", "this email", "her email", "his email",
        "their email", "this e-mail", "this voicemail",
    ),
    mention=("word", "term", "phrase", "buzzword", "avoid", "avoiding", "without the word", "ban", "banned",
             "without mentioning", "without using", "without saying", "never say", "don't say", "don't use the",
             "without _ it", "without _ them", "without _ us", "without _ ourselves",
             # words set aside for others: "say tough rather than anything like foolproof"
             "rather than", "instead of", "anything like", "words like", "nothing about", "nothing like",
             "no mention of",
             # takes words out of a text: "rewrite it removing 'bespoke'"
             "remove", "removing", "delete", "deleting", "take out", "taking out", "cut out", "get rid of",
             *_NOT_SAYING_EN),
    agree=("yes", "say yes", "saying yes", "confirm", "confirming", "accept", "accepting", "agree", "agreeing",
           "happy to", "of course", "no problem", "no worries", "go ahead"),
    inner_negations=frozenset({"without", "non"}),
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
