"""Words of the MCP server: what assistants read about its prompt, resource and tools."""

from __future__ import annotations

MCP: dict[str, dict[str, str]] = {
    "mcp.instructions": {
        "fr": "Cadre donne le cadre stratégique publié de l'entreprise (offre, public, promesse, priorités, refus, "
        "ton). Lisez-le (prompt ou ressource « frame ») avant d'écrire pour elle, vérifiez les demandes avec "
        "check_request, et écrivez avec frame_voice.",
        "en": "Cadre gives the business's published strategic frame (offer, audience, promise, priorities, "
        "refusals, voice). Read it (the “frame” prompt or resource) before writing for it, check requests with "
        "check_request, and write with frame_voice.",
    },
    "mcp.prompt": {
        "fr": "Le cadre publié de l'entreprise, dans sa langue, à placer avant la conversation.",
        "en": "The business's published frame, in its language, to put before the conversation.",
    },
    "mcp.resource": {
        "fr": "Le texte du cadre publié de l'entreprise (ce que Cadre ajoute à chaque demande).",
        "en": "The text of the business's published frame (what Cadre adds to every request).",
    },
    "mcp.check_request": {
        "fr": "Dit si une demande entre dans le cadre de l'entreprise ou va contre l'un de ses refus, et lequel.",
        "en": "Says whether a request fits the business's frame or goes against one of its refusals, and which.",
    },
    "mcp.frame_voice": {
        "fr": "Le ton de l'entreprise, sa façon de s'adresser aux clients, ses mots préférés et ses mots bannis.",
        "en": "The business's tone, how it addresses customers, the words it prefers and the words it bans.",
    },
    "mcp.fits": {"fr": "La demande entre dans le cadre ({frame}).", "en": "The request fits the frame ({frame})."},
}
