"""Examples of the management API's request bodies, shown by /docs and /redoc (Swagger UI's "Try it out" starts
from them). Pure data; tests check that each one is accepted as it is."""

from __future__ import annotations

from typing import Any

from pydantic import JsonValue

LA_ROUE_LIBRE: dict[str, Any] = {
    "name": "La Roue Libre",
    "language": "fr",
    "offer": "Réparation et entretien de vélos de ville, vélos cargo et vélos à assistance électrique, en atelier "
             "à la Croix-Rousse",
    "audience": "Personnes qui vont travailler à vélo depuis le plateau de la Croix-Rousse et ne peuvent pas s'en "
                "passer plus d'une journée",
    "secondary_audiences": ["Livreurs et coursiers à vélo indépendants des 1er et 4e arrondissements"],
    "need": "Retrouver un vélo fiable en moins de deux jours, sans poser une demi-journée de congé",
    "promise": "Votre vélo réparé sous 48 h, sinon un vélo de prêt offert jusqu'au retour du vôtre.",
    "priorities": ["Rendre les vélos réparés sous 48 h, toute l'année",
                   "Faire revenir chaque client pour l'entretien de printemps et d'automne",
                   "Équiper l'atelier pour les vélos cargo et les vélos électriques"],
    "refusals": ["Pas de vente de vélos neufs", "Pas de réparation de trottinettes électriques",
                 "Pas de devis par téléphone sans avoir vu le vélo", "Pas de promotions ni de soldes"],
    "alternatives": ["Le rayon atelier d'une grande enseigne de sport, avec deux semaines d'attente",
                     "Réparer soi-même avec des tutoriels vidéo"],
    "proof": ["1 450 vélos réparés en 2025, dont 380 vélos cargo", "Note de 4,9 sur 5 sur 280 avis Google"],
    "voice": {"tone": "Direct, chaleureux et concret, on parle de pièces et de délais", "address": "vous"},
    "lexicon": {"preferred": ["réparer", "rouler", "atelier"], "banned": ["low-cost", "pas cher"]},
}

BRIGHT_LEDGER: dict[str, Any] = {
    "name": "Bright Ledger",
    "language": "en",
    "offer": "Monthly bookkeeping and VAT returns for independent restaurants in Bristol",
    "audience": "Owners of independent restaurants in Bristol with 5 to 30 staff",
    "need": "Knowing their real margin every month without doing the books at night",
    "promise": "Your books closed by the 5th of every month, with one page on your margin.",
    "priorities": ["Books closed on time every month", "Clear margin reports owners actually read"],
    "refusals": ["No payroll outsourcing", "No tax avoidance schemes", "No clients outside hospitality"],
    "alternatives": ["A spreadsheet on Sunday nights"],
    "proof": ["42 restaurants served since 2021"],
    "voice": {"tone": "Plain and friendly", "address": "none"},
    "lexicon": {"preferred": ["margin"], "banned": ["synergy"]},
}

FRAME_EXAMPLES: dict[str, Any] = {
    "fr": {"summary": "A clear French frame (publishable)", "value": LA_ROUE_LIBRE},
    "en": {"summary": "A clear English frame (publishable)", "value": BRIGHT_LEDGER},
    "draft": {"summary": "A first draft, saved with its findings (not publishable yet)",
              "value": {"name": "Atelier Rustine", "offer": "Réparation de vélos à Lyon 7e",
                        "audience": "tout le monde", "language": "fr"}},
}

KEY: dict[str, JsonValue] = {"frame": "la-roue-libre", "name": "Assistant marketing", "refusal_style": "error",
                             "rate_limit": 60}
KEY_MESSAGE: dict[str, JsonValue] = {"frame": "la-roue-libre", "name": "Chat de l'équipe",
                                     "refusal_style": "message", "rate_limit": None}
KEY_CHANGE: dict[str, JsonValue] = {"rate_limit": 120}
ROLLBACK: dict[str, JsonValue] = {"version": 1}
POLICY: dict[str, JsonValue] = {"policy": "refuse"}
CHECK: dict[str, JsonValue] = {"prompt": "Écris une annonce pour nos VTT neufs en promotion"}
