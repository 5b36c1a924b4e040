"""Every string the console shows, in French and English, with dates and counts in words. Pure.

Findings keep the frame's own language (the language the AI will speak, see ``app/i18n.py``); everything
around them follows the console's language: French by default, English by the switch or the browser.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.messages.catalogue import FIELD_LABELS

LANGUAGES = ("fr", "en")
DEFAULT = "fr"

S: dict[str, dict[str, str]] = {
    # ---------------------------------------------------------------------------------------- layout
    "skip_to_content": {"fr": "Aller au contenu", "en": "Skip to content"},
    "nav_label": {"fr": "Console", "en": "Console"},
    "nav_frames": {"fr": "Cadres", "en": "Frames"},
    "nav_keys": {"fr": "Clés d'API", "en": "API keys"},
    "nav_decisions": {"fr": "Décisions", "en": "Decisions"},
    "sign_out": {"fr": "Se déconnecter", "en": "Sign out"},
    "footer": {"fr": "Cadre : pas d'IA sans cadre clair.", "en": "Cadre: no AI without a clear frame."},
    "back_to_frames": {"fr": "Retour aux cadres", "en": "Back to frames"},
    "status_label": {"fr": "État", "en": "State"},
    "frame_nav_label": {"fr": "Pages du cadre", "en": "Frame pages"},
    "tab_edit": {"fr": "Modifier", "en": "Edit"},
    "tab_history": {"fr": "Historique", "en": "History"},
    "tab_keys": {"fr": "Clés", "en": "Keys"},
    "tab_decisions": {"fr": "Décisions", "en": "Decisions"},
    "copy": {"fr": "Copier", "en": "Copy"},
    "copied": {"fr": "Copié dans le presse-papiers.", "en": "Copied to the clipboard."},
    "copy_failed": {"fr": "Copie impossible : sélectionnez le texte et copiez-le.",
                    "en": "Could not copy: select the text and copy it."},
    # --------------------------------------------------------------------------------------- errors
    "error_csrf_title": {"fr": "Formulaire refusé", "en": "Form refused"},
    "error_csrf": {"fr": "Ce formulaire n'a pas le jeton de sécurité de cette session (il vient d'une autre page "
                         "ou d'une session expirée). Rechargez la page et recommencez.",
                   "en": "This form lacks this session's security token (it came from another page or an "
                         "expired session). Reload the page and try again."},
    "error_not_found_title": {"fr": "Introuvable", "en": "Not found"},
    "error_not_found": {"fr": "Cette page, ce cadre ou cette clé n'existe pas.",
                        "en": "This page, frame or key does not exist."},
    "error_invalid_title": {"fr": "Adresse invalide", "en": "Invalid address"},
    "error_invalid": {"fr": "Cette adresse ne désigne pas un cadre valide.",
                      "en": "This address does not name a valid frame."},
    # -------------------------------------------------------------------------------------- sign in
    "signin_title": {"fr": "Connexion à la console", "en": "Sign in to the console"},
    "signin_intro": {"fr": "Entrez le jeton d'administration de Cadre : celui que Cadre a affiché à son premier "
                           "démarrage, ou la valeur de CADRE_ADMIN_TOKEN.",
                     "en": "Enter Cadre's admin token: the one Cadre printed when it first started, or the "
                           "value of CADRE_ADMIN_TOKEN."},
    "signin_token": {"fr": "Jeton d'administration", "en": "Admin token"},
    "signin_who": {"fr": "Votre prénom (facultatif)", "en": "Your first name (optional)"},
    "signin_who_hint": {"fr": "Il apparaît dans l'historique à côté de ce que vous publiez.",
                        "en": "It appears in the history next to what you publish."},
    "signin_button": {"fr": "Se connecter", "en": "Sign in"},
    "signin_wrong": {"fr": "Ce jeton n'est pas le bon. Prochain essai possible dans {seconds} s.",
                     "en": "This token is not the right one. Next try possible in {seconds} s."},
    "signin_wait": {"fr": "Trop d'essais manqués : réessayez dans {seconds} s.",
                    "en": "Too many failed tries: try again in {seconds} s."},
    # -------------------------------------------------------------------------------------- notices
    "notice_saved": {"fr": "Brouillon enregistré.", "en": "Draft saved."},
    "notice_published": {"fr": "Cadre publié : l'IA le reçoit dès maintenant.",
                         "en": "Frame published: the AI receives it from now on."},
    "notice_rolled_back": {"fr": "Version republiée : l'IA la reçoit dès maintenant.",
                           "en": "Version published again: the AI receives it from now on."},
    "notice_changed": {"fr": "Le cadre a changé entre-temps : rien n'a été republié. Relisez l'historique et "
                             "recommencez.",
                       "en": "The frame changed meanwhile: nothing was published again. Read the history and "
                             "try again."},
    "notice_key_revoked": {"fr": "Clé révoquée : les requêtes qui l'utilisent sont refusées dès maintenant.",
                           "en": "Key revoked: requests using it are refused from now on."},
    "notice_signed_out": {"fr": "Vous êtes déconnecté.", "en": "You are signed out."},
    "notice_guide_done": {"fr": "Les cinq questions sont posées. Relisez tout le cadre, complétez ce qui est "
                                "recommandé, puis validez et publiez.",
                          "en": "The five questions are answered. Read the whole frame, fill in what is "
                                "recommended, then validate and publish."},
    "notice_nothing_to_publish": {"fr": "Rien à publier : le brouillon est identique à la version publiée.",
                                  "en": "Nothing to publish: the draft is the same as the published version."},
    # ------------------------------------------------------------------------------- frame states
    "status_unpublished": {"fr": "aucun cadre publié", "en": "no frame published"},
    "status_published": {"fr": "publié v{version}, {ago}", "en": "published v{version}, {ago}"},
    "status_published_unclear_one": {"fr": "publié v{version}, mais refusé : {n} point à clarifier",
                                     "en": "published v{version}, but refused: {n} point to clarify"},
    "status_published_unclear_other": {"fr": "publié v{version}, mais refusé : {n} points à clarifier",
                                       "en": "published v{version}, but refused: {n} points to clarify"},
    "status_draft_blocked_one": {"fr": "brouillon : {n} point à clarifier", "en": "draft: {n} point to clarify"},
    "status_draft_blocked_other": {"fr": "brouillon : {n} points à clarifier",
                                   "en": "draft: {n} points to clarify"},
    "status_draft_ready": {"fr": "brouillon prêt à publier", "en": "draft ready to publish"},
    # --------------------------------------------------------------------------------- frames list
    "frames_title": {"fr": "Vos cadres", "en": "Your frames"},
    "frames_new": {"fr": "Nouveau cadre", "en": "New frame"},
    "frames_empty_title": {"fr": "Aucun cadre pour l'instant", "en": "No frame yet"},
    "frames_empty_text": {"fr": "Avant de laisser l'IA écrire pour vous, décidez en quelques minutes ce que vous "
                                "vendez, à qui, ce que vous promettez, ce qui passe en premier et ce que vous "
                                "refusez. Cadre vous guide question par question.",
                          "en": "Before letting AI write for you, decide in a few minutes what you sell, to "
                                "whom, what you promise, what comes first and what you refuse. Cadre guides "
                                "you one question at a time."},
    "frames_empty_start": {"fr": "Écrire mon premier cadre", "en": "Write my first frame"},
    "frames_keys": {"fr": "Clés", "en": "Keys"},
    "frames_keys_line": {"fr": "{count} : {names}", "en": "{count}: {names}"},
    "frames_no_keys": {"fr": "aucune clé active", "en": "no active key"},
    "frames_traffic": {"fr": "7 derniers jours", "en": "Last 7 days"},
    "frames_no_traffic": {"fr": "aucune requête", "en": "no request"},
    "keys_active_one": {"fr": "{n} clé active", "en": "{n} active key"},
    "keys_active_other": {"fr": "{n} clés actives", "en": "{n} active keys"},
    "traffic_forwarded_one": {"fr": "{n} transmise", "en": "{n} forwarded"},
    "traffic_forwarded_other": {"fr": "{n} transmises", "en": "{n} forwarded"},
    "traffic_refused_one": {"fr": "{n} refusée", "en": "{n} refused"},
    "traffic_refused_other": {"fr": "{n} refusées", "en": "{n} refused"},
    "traffic_failed_one": {"fr": "{n} en échec", "en": "{n} failed"},
    "traffic_failed_other": {"fr": "{n} en échec", "en": "{n} failed"},
    # -------------------------------------------------------------------------------------- guided path
    "guide_title": {"fr": "Nouveau cadre", "en": "New frame"},
    "guide_intro": {"fr": "Cinq questions à trancher avant de confier quoi que ce soit à l'IA. Chaque réponse "
                          "est enregistrée et relue par les règles de clarté au fur et à mesure.",
                    "en": "Five questions to settle before handing anything to AI. Each answer is saved and "
                          "checked against the clarity rules as you go."},
    "guide_steps_label": {"fr": "Étapes", "en": "Steps"},
    "guide_step_of": {"fr": "Étape {n} sur {total}", "en": "Step {n} of {total}"},
    "guide_example": {"fr": "Exemple", "en": "Example"},
    "guide_avoid": {"fr": "À éviter", "en": "Avoid"},
    "guide_rules": {"fr": "Règles appliquées", "en": "Rules applied"},
    "guide_problems": {"fr": "À clarifier avant de continuer :", "en": "To clarify before going on:"},
    "guide_clear": {"fr": "Clair : rien à redire.", "en": "Clear: nothing to object."},
    "guide_next": {"fr": "Enregistrer et continuer", "en": "Save and continue"},
    "guide_finish": {"fr": "Enregistrer et relire le cadre", "en": "Save and review the frame"},
    "guide_skip": {"fr": "Continuer quand même", "en": "Continue anyway"},
    "guide_to_editor": {"fr": "Ouvrir l'éditeur complet", "en": "Open the full editor"},
    "guide_conflict": {"fr": "Quelqu'un a modifié ce cadre entre-temps : voici sa version, reprenez votre "
                             "réponse puis enregistrez.",
                       "en": "Someone changed this frame meanwhile: here is their version, write your answer "
                             "again and save."},
    "guide_name_short": {"fr": "Nom", "en": "Name"},
    "guide_name_question": {"fr": "Comment s'appelle votre activité ?", "en": "What is your business called?"},
    "guide_name_why": {"fr": "Le nom que vos clients connaissent. Il donne aussi son adresse au cadre dans la "
                             "console.",
                       "en": "The name your customers know. It also gives the frame its address in the "
                             "console."},
    "guide_name_example": {"fr": "Atelier Rustine", "en": "Bright Ledger"},
    "guide_name_avoid": {"fr": "« Mon entreprise », « Test »", "en": "“My company”, “Test”"},
    "guide_name_rules": {"fr": "obligatoire ; pas de texte provisoire.", "en": "required; no placeholder."},
    "guide_name_label": {"fr": "Nom de l'activité", "en": "Business name"},
    "guide_name_required": {"fr": "Donnez un nom à votre activité.", "en": "Give your business a name."},
    "guide_slug_label": {"fr": "Identifiant (facultatif)", "en": "Identifier (optional)"},
    "guide_slug_hint": {"fr": "Minuscules, chiffres et tirets. Laissez vide : Cadre le déduit du nom.",
                        "en": "Lower-case letters, digits and hyphens. Leave empty: Cadre derives it from the "
                              "name."},
    "guide_slug_invalid": {"fr": "Identifiant invalide : minuscules, chiffres et tirets, 64 au plus.",
                           "en": "Invalid identifier: lower-case letters, digits and hyphens, 64 at most."},
    "guide_slug_taken": {"fr": "Cet identifiant est déjà pris : choisissez-en un autre.",
                         "en": "This identifier is taken: choose another one."},
    "guide_language_label": {"fr": "Langue du cadre", "en": "Language of the frame"},
    "guide_offer_short": {"fr": "Offre", "en": "Offer"},
    "guide_offer_question": {"fr": "Que vendez-vous vraiment ?", "en": "What do you really sell?"},
    "guide_offer_why": {"fr": "Ce que le client achète, concrètement, et où. Les mots qui vont à toutes les "
                              "entreprises (« solutions », « accompagnement ») ne disent rien à l'IA.",
                        "en": "What the customer buys, concretely, and where. Words that fit every business "
                              "(“solutions”, “services”) tell the AI nothing."},
    "guide_offer_example": {"fr": "Réparation et entretien de vélos, sur place à Lyon 7e",
                            "en": "Monthly bookkeeping and VAT returns for independent restaurants in Bristol"},
    "guide_offer_avoid": {"fr": "« Des solutions et un accompagnement sur mesure »",
                          "en": "“Tailored solutions and services”"},
    "guide_offer_rules": {"fr": "obligatoire ; pas uniquement des mots génériques ; pas de texte provisoire.",
                          "en": "required; not only generic words; no placeholder."},
    "guide_audience_short": {"fr": "Public", "en": "Audience"},
    "guide_audience_question": {"fr": "À qui, et pas à tout le monde ?", "en": "To whom, and not to everyone?"},
    "guide_audience_why": {"fr": "Les clients que vous servez le mieux. Si la réponse est « tout le monde », "
                                 "l'IA écrira pour personne.",
                           "en": "The customers you serve best. If the answer is “everyone”, the AI will write "
                                 "for no one."},
    "guide_audience_example": {"fr": "Cyclistes du quotidien qui vont travailler à vélo dans Lyon",
                               "en": "Owners of independent restaurants in Bristol with 5 to 30 staff"},
    "guide_audience_avoid": {"fr": "« Tout le monde », « toutes les entreprises »",
                             "en": "“Everyone”, “all businesses”"},
    "guide_audience_rules": {"fr": "obligatoire ; nommer un public précis, pas tout le monde.",
                             "en": "required; name a precise audience, not everyone."},
    "guide_promise_short": {"fr": "Promesse", "en": "Promise"},
    "guide_promise_question": {"fr": "Que promettez-vous, en une phrase ?",
                               "en": "What do you promise, in one sentence?"},
    "guide_promise_why": {"fr": "Une phrase que vous pouvez tenir, et que l'IA peut répéter sans l'enjoliver.",
                          "en": "One sentence you can keep, and that the AI can repeat without embellishing."},
    "guide_promise_example": {"fr": "Votre vélo réparé en 48 heures, ou le prêt d'un vélo offert.",
                              "en": "Your books closed by the 5th of every month, with one page on your margin."},
    "guide_promise_avoid": {"fr": "« Qualité. Réactivité. Proximité. »", "en": "“Quality. Speed. Trust.”"},
    "guide_promise_rules": {"fr": "obligatoire ; une seule phrase ; 200 caractères au plus.",
                            "en": "required; one sentence; 200 characters at most."},
    "guide_priorities_short": {"fr": "Priorités", "en": "Priorities"},
    "guide_priorities_question": {"fr": "Vos trois priorités, dans l'ordre ?",
                                  "en": "Your three priorities, in order?"},
    "guide_priorities_why": {"fr": "Ce qui passe en premier quand il faut choisir. La première l'emporte sur "
                                   "la deuxième, qui l'emporte sur la troisième.",
                             "en": "What comes first when you must choose. The first wins over the second, "
                                   "which wins over the third."},
    "guide_priorities_example": {"fr": "1. Réparations rapides et fiables ; 2. Fidéliser les cyclistes du "
                                       "quartier",
                                 "en": "1. Books closed on time every month; 2. Clear margin reports owners "
                                       "actually read"},
    "guide_priorities_avoid": {"fr": "Cinq priorités à égalité, ou deux fois la même",
                               "en": "Five equal priorities, or the same one twice"},
    "guide_priorities_rules": {"fr": "de 1 à 3 priorités, classées ; pas de doublon.",
                               "en": "1 to 3 priorities, ranked; no duplicate."},
    "guide_refusals_short": {"fr": "Refus", "en": "Refusals"},
    "guide_refusals_question": {"fr": "À quoi dites-vous non ?", "en": "What do you say no to?"},
    "guide_refusals_why": {"fr": "Des produits, des clients, des façons de vendre que vous refusez. L'IA ne "
                                 "les proposera pas et le dira simplement.",
                           "en": "Products, customers, ways of selling you refuse. The AI will not offer them "
                                 "and will say so plainly."},
    "guide_refusals_example": {"fr": "Pas de vente de vélos neufs ; pas de promotions agressives",
                               "en": "No payroll outsourcing; no clients outside hospitality"},
    "guide_refusals_avoid": {"fr": "Un refus que contredit une priorité (« Développer la vente de vélos neufs »)",
                             "en": "A refusal a priority contradicts (“Grow payroll outsourcing”)"},
    "guide_refusals_rules": {"fr": "au moins un refus, trois recommandés ; aucune priorité ne doit le "
                                   "contredire.",
                             "en": "at least one refusal, three recommended; no priority may contradict one."},
    # ------------------------------------------------------------------------------------------- editor
    "editor_title": {"fr": "{name} : modifier", "en": "{name}: edit"},
    "section_essentials": {"fr": "L'essentiel", "en": "The essentials"},
    "section_choices": {"fr": "Priorités et refus", "en": "Priorities and refusals"},
    "section_context": {"fr": "Contexte", "en": "Context"},
    "section_voice": {"fr": "Voix et lexique", "en": "Voice and lexicon"},
    "section_settings": {"fr": "Réglages", "en": "Settings"},
    "required_mark": {"fr": "(obligatoire)", "en": "(required)"},
    "hint_name": {"fr": "Le nom que vos clients connaissent.", "en": "The name your customers know."},
    "hint_offer": {"fr": "Ce que vous vendez vraiment, concrètement, et où.",
                   "en": "What you really sell, concretely, and where."},
    "hint_audience": {"fr": "Qui vous servez (pas tout le monde).", "en": "Who you serve (not everyone)."},
    "hint_promise": {"fr": "Une seule phrase, 200 caractères au plus.", "en": "One sentence, 200 characters at most."},
    "hint_need": {"fr": "Le besoin auquel l'offre répond (recommandé).",
                  "en": "The need the offer answers (recommended)."},
    "hint_priorities": {"fr": "De 1 à 3, la plus importante en premier : l'ordre compte.",
                        "en": "1 to 3, the most important first: the order matters."},
    "hint_refusals": {"fr": "Ce à quoi vous dites non : au moins un, trois recommandés.",
                      "en": "What you say no to: at least one, three recommended."},
    "hint_secondary_audiences": {"fr": "D'autres publics servis, deux au plus.",
                                 "en": "Other audiences you serve, two at most."},
    "hint_alternatives": {"fr": "Ce que vos clients feraient sans vous (recommandé).",
                          "en": "What your customers would do without you (recommended)."},
    "hint_proof": {"fr": "Références, chiffres, avis : l'IA les cite tels quels et n'en invente pas (recommandé).",
                   "en": "References, figures, reviews: the AI quotes them as written and invents none "
                         "(recommended)."},
    "hint_voice.tone": {"fr": "Comment vous parlez, en quelques mots.", "en": "How you speak, in a few words."},
    "hint_voice.address": {"fr": "Comment l'IA s'adresse à vos lecteurs.", "en": "How the AI addresses your readers."},
    "hint_lexicon.preferred": {"fr": "Des mots à employer de préférence.", "en": "Words to use by preference."},
    "hint_lexicon.banned": {"fr": "Des mots que l'IA ne doit jamais employer.",
                            "en": "Words the AI must never use."},
    "hint_language": {"fr": "La langue dans laquelle l'IA reçoit le cadre et les règles rendent leurs avis.",
                      "en": "The language the AI receives the frame in, and the clarity rules speak."},
    "hint_review_by": {"fr": "Une date pour relire ce cadre (facultatif).",
                       "en": "A date to read this frame again (optional)."},
    "address_vous": {"fr": "Vouvoyer", "en": "Formal (vous)"},
    "address_tu": {"fr": "Tutoyer", "en": "Informal (tu)"},
    "address_none": {"fr": "Sans préférence", "en": "No preference"},
    "language_fr": {"fr": "Français", "en": "French"},
    "language_en": {"fr": "Anglais", "en": "English"},
    "item_add": {"fr": "Ajouter", "en": "Add"},
    "item_up": {"fr": "Monter", "en": "Move up"},
    "item_down": {"fr": "Descendre", "en": "Move down"},
    "item_remove": {"fr": "Retirer", "en": "Remove"},
    "finding_error": {"fr": "À clarifier", "en": "To clarify"},
    "finding_warning": {"fr": "Conseil", "en": "Advice"},
    "form_too_long": {"fr": "Trop long.", "en": "Too long."},
    "form_bad_date": {"fr": "Date invalide.", "en": "Invalid date."},
    "form_invalid": {"fr": "Valeur invalide.", "en": "Invalid value."},
    "form_control_chars": {"fr": "Contient des caractères invisibles interdits.",
                           "en": "Contains forbidden invisible characters."},
    "form_has_errors": {"fr": "Le formulaire n'est pas enregistré : corrigez les champs signalés.",
                        "en": "The form is not saved: fix the fields marked below."},
    "unsaved_changes": {"fr": "Modifications pas encore enregistrées.", "en": "Changes not saved yet."},
    "save_draft": {"fr": "Enregistrer le brouillon", "en": "Save the draft"},
    "publish": {"fr": "Valider et publier", "en": "Validate and publish"},
    "side_label": {"fr": "Publication et aperçu", "en": "Publication and preview"},
    "publish_heading": {"fr": "Publication", "en": "Publication"},
    "publish_blocked_one": {"fr": "{n} point bloque la publication :", "en": "{n} point blocks publication:"},
    "publish_blocked_other": {"fr": "{n} points bloquent la publication :", "en": "{n} points block publication:"},
    "publish_ready": {"fr": "Rien ne bloque : ce brouillon peut être publié.",
                      "en": "Nothing blocks: this draft can be published."},
    "publish_refused": {"fr": "Publication refusée.", "en": "Publication refused."},
    "publish_explain": {"fr": "« Valider et publier » enregistre le brouillon puis le publie si aucune règle de "
                              "clarté ne le bloque ; les conseils ne bloquent pas.",
                        "en": "“Validate and publish” saves the draft, then publishes it if no clarity rule "
                              "blocks it; advice does not block."},
    "published_now": {"fr": "En service : v{version}, publiée le {when} par {who}.",
                      "en": "In service: v{version}, published on {when} by {who}."},
    "see_draft_changes": {"fr": "Voir ce que le brouillon change", "en": "See what the draft changes"},
    "draft_saved_by": {"fr": "Brouillon enregistré le {when} par {who}.", "en": "Draft saved on {when} by {who}."},
    "prompt_heading": {"fr": "Ce que l'IA recevra", "en": "What the AI will receive"},
    "prompt_explain": {"fr": "Le texte exact placé en tête de chaque requête une fois ce brouillon publié "
                             "(version {version}).",
                       "en": "The exact text put ahead of every request once this draft is published "
                             "(version {version})."},
    "conflict_title": {"fr": "{who} a enregistré une autre version {when}", "en": "{who} saved another version {when}"},
    "conflict_text": {"fr": "Votre enregistrement n'a pas eu lieu et rien n'est perdu : sa version est "
                            "conservée, et vos modifications sont toujours dans le formulaire ci-dessous. "
                            "Comparez, reprenez ce qui vous convient, puis enregistrez : votre version "
                            "remplacera alors la sienne.",
                      "en": "Your save did not happen and nothing is lost: their version is kept, and your "
                            "changes are still in the form below. Compare, keep what suits you, then save: your "
                            "version will then replace theirs."},
    "conflict_caption": {"fr": "Champs qui diffèrent entre les deux versions",
                         "en": "Fields that differ between the two versions"},
    "conflict_field": {"fr": "Champ", "en": "Field"},
    "conflict_theirs": {"fr": "Version de {who}", "en": "{who}'s version"},
    "conflict_yours": {"fr": "Votre version (non enregistrée)", "en": "Your version (not saved)"},
    "conflict_keep_mine": {"fr": "Enregistrer ma version", "en": "Save my version"},
    "conflict_take_theirs": {"fr": "Abandonner mes modifications et garder celle de {who}",
                             "en": "Drop my changes and keep {who}'s"},
    # ------------------------------------------------------------------------------------------ history
    "history_title": {"fr": "{name} : historique", "en": "{name}: history"},
    "history_empty": {"fr": "Aucune version publiée pour l'instant.", "en": "No version published yet."},
    "history_compare": {"fr": "Comparer deux versions", "en": "Compare two versions"},
    "history_from": {"fr": "De", "en": "From"},
    "history_to": {"fr": "À", "en": "To"},
    "history_draft": {"fr": "brouillon", "en": "draft"},
    "history_draft_option": {"fr": "Brouillon (non publié)", "en": "Draft (not published)"},
    "history_version_option": {"fr": "v{version} du {when}", "en": "v{version} of {when}"},
    "history_compare_button": {"fr": "Comparer", "en": "Compare"},
    "history_diff_title": {"fr": "Ce qui change : {a} → {b}", "en": "What changes: {a} → {b}"},
    "history_versions": {"fr": "Versions publiées", "en": "Published versions"},
    "history_rollback_explain": {"fr": "Republier une ancienne version en crée une nouvelle, identique : "
                                       "l'historique ne perd rien.",
                                 "en": "Publishing an old version again creates a new, identical one: the "
                                       "history loses nothing."},
    "history_current": {"fr": "en service", "en": "in service"},
    "history_rollback_of": {"fr": "retour à la v{version}", "en": "back to v{version}"},
    "history_published_by": {"fr": "publiée le {when} ({ago}) par {who}", "en": "published on {when} ({ago}) by {who}"},
    "history_compare_with_current": {"fr": "Comparer avec la version en service",
                                     "en": "Compare with the version in service"},
    "history_rollback": {"fr": "Republier la v{version}", "en": "Publish v{version} again"},
    "diff_none": {"fr": "Aucune différence.", "en": "No difference."},
    "diff_legend_before": {"fr": "Légende :", "en": "Legend:"},
    "diff_removed": {"fr": "retiré", "en": "removed"},
    "diff_added": {"fr": "ajouté", "en": "added"},
    "diff_removed_open": {"fr": "[retiré : ", "en": "[removed: "},
    "diff_added_open": {"fr": "[ajouté : ", "en": "[added: "},
    "diff_becomes": {"fr": "devient", "en": "becomes"},
    "diff_item_added": {"fr": "ajoutée en {after}", "en": "added at {after}"},
    "diff_item_removed": {"fr": "retirée (était en {before})", "en": "removed (was at {before})"},
    "diff_item_changed": {"fr": "reformulée", "en": "reworded"},
    "diff_item_moved": {"fr": "déplacée de {before} à {after}", "en": "moved from {before} to {after}"},
    # --------------------------------------------------------------------------------------------- keys
    "keys_title": {"fr": "Clés d'API", "en": "API keys"},
    "keys_new": {"fr": "Créer une clé", "en": "Create a key"},
    "keys_no_frames": {"fr": "Une clé est liée à un cadre : écrivez d'abord un cadre.",
                       "en": "A key is bound to a frame: write a frame first."},
    "keys_frame": {"fr": "Cadre appliqué aux requêtes de cette clé", "en": "Frame applied to this key's requests"},
    "keys_frame_required": {"fr": "Choisissez un cadre existant.", "en": "Choose an existing frame."},
    "keys_name": {"fr": "Nom de la clé", "en": "Key name"},
    "keys_name_hint": {"fr": "Pour la reconnaître : l'outil ou la personne qui l'utilise.",
                       "en": "To recognise it: the tool or person using it."},
    "keys_style": {"fr": "Quand le cadre manque ou n'est pas clair", "en": "When the frame is missing or unclear"},
    "keys_style_error": {"fr": "Erreur HTTP 409", "en": "HTTP 409 error"},
    "keys_style_error_hint": {"fr": "Pour les scripts et les intégrations : la requête échoue avec le message.",
                              "en": "For scripts and integrations: the request fails with the message."},
    "keys_style_message": {"fr": "Réponse ordinaire", "en": "Ordinary answer"},
    "keys_style_message_hint": {"fr": "Pour les outils de discussion : le message arrive comme une réponse de "
                                      "l'assistant.",
                                "en": "For chat tools: the message arrives as an assistant answer."},
    "keys_create": {"fr": "Créer la clé", "en": "Create the key"},
    "keys_created": {"fr": "Clé « {name} » créée pour {frame}", "en": "Key “{name}” created for {frame}"},
    "keys_secret_once": {"fr": "Copiez-la maintenant : Cadre ne l'affichera plus jamais (il n'en garde qu'une "
                               "empreinte). Perdue, elle se remplace par une nouvelle clé.",
                         "en": "Copy it now: Cadre will never show it again (it keeps only a fingerprint). If "
                               "lost, replace it with a new key."},
    "keys_secret_label": {"fr": "Clé secrète", "en": "Secret key"},
    "keys_call": {"fr": "Appeler Cadre", "en": "Call Cadre"},
    "keys_call_explain": {"fr": "Vos outils parlent à Cadre comme à OpenAI : changez l'adresse et la clé.",
                          "en": "Your tools talk to Cadre as to OpenAI: change the address and the key."},
    "snippet_python": {"fr": "Avec le client officiel OpenAI (Python)", "en": "With the official OpenAI client "
                       "(Python)"},
    "snippet_curl": {"fr": "Avec curl", "en": "With curl"},
    "snippet_models": {"fr": "Le modèle « cadre-preview » répond avec la requête exacte que Cadre enverrait ; "
                             "remplacez-le par votre modèle (gpt-4o-mini, llama3.2 ...).",
                       "en": "The model “cadre-preview” answers with the exact request Cadre would send; replace "
                             "it with your model (gpt-4o-mini, llama3.2 ...)."},
    "snippet_question": {"fr": "Écris un post LinkedIn sur notre atelier.",
                         "en": "Write a LinkedIn post about our business."},
    "snippet_model_comment": {"fr": "ou votre modèle : gpt-4o-mini ...", "en": "or your model: gpt-4o-mini ..."},
    "keys_list": {"fr": "Clés existantes", "en": "Existing keys"},
    "keys_none": {"fr": "Aucune clé.", "en": "No key."},
    "keys_col_name": {"fr": "Nom", "en": "Name"},
    "keys_col_frame": {"fr": "Cadre", "en": "Frame"},
    "keys_col_style": {"fr": "En cas de refus", "en": "On refusal"},
    "keys_col_rate_limit": {"fr": "Limite", "en": "Limit"},
    "keys_rate_limit": {"fr": "Requêtes par minute (facultatif)", "en": "Requests per minute (optional)"},
    "keys_rate_limit_hint": {"fr": "Vide : sans limite. Au-delà, l'outil reçoit une erreur 429 qui lui dit quand "
                                   "réessayer.",
                             "en": "Empty: no limit. Beyond it, the tool gets a 429 error telling it when to retry."},
    "keys_rate_limit_value": {"fr": "{n} / min", "en": "{n} / min"},
    "keys_rate_limit_none": {"fr": "aucune", "en": "none"},
    "keys_rate_limit_invalid": {"fr": "Un nombre entier de 1 à 1 000 000, ou rien pour ne pas limiter.",
                                "en": "A whole number from 1 to 1,000,000, or nothing for no limit."},
    "keys_col_hint": {"fr": "Clé", "en": "Key"},
    "keys_col_created": {"fr": "Créée le", "en": "Created"},
    "keys_col_state": {"fr": "État", "en": "State"},
    "keys_col_actions": {"fr": "Actions", "en": "Actions"},
    "keys_active": {"fr": "active", "en": "active"},
    "keys_revoked": {"fr": "révoquée le {when}", "en": "revoked on {when}"},
    "keys_revoke": {"fr": "Révoquer", "en": "Revoke"},
    "keys_revoke_named": {"fr": "Révoquer la clé « {name} »", "en": "Revoke the key “{name}”"},
    "filter_frame": {"fr": "Cadre", "en": "Frame"},
    "filter_all_frames": {"fr": "Tous les cadres", "en": "All frames"},
    "filter_outcome": {"fr": "Décision", "en": "Decision"},
    "filter_all_outcomes": {"fr": "Toutes", "en": "All"},
    "filter_button": {"fr": "Filtrer", "en": "Filter"},
    # ---------------------------------------------------------------------------------------- decisions
    "decisions_title": {"fr": "Décisions", "en": "Decisions"},
    "decisions_intro": {"fr": "Les dernières requêtes reçues par Cadre : transmises à l'IA avec le cadre, ou "
                              "refusées, et pourquoi.",
                        "en": "The latest requests Cadre received: forwarded to the AI with the frame, or "
                              "refused, and why."},
    "decisions_none": {"fr": "Aucune requête pour ces filtres.", "en": "No request for these filters."},
    "decisions_col_when": {"fr": "Quand", "en": "When"},
    "decisions_col_frame": {"fr": "Cadre", "en": "Frame"},
    "decisions_col_key": {"fr": "Clé", "en": "Key"},
    "decisions_col_request": {"fr": "Requête", "en": "Request"},
    "decisions_col_outcome": {"fr": "Décision", "en": "Decision"},
    "decisions_col_reason": {"fr": "Raison", "en": "Reason"},
    "decisions_col_tokens": {"fr": "Jetons", "en": "Tokens"},
    "decisions_col_latency": {"fr": "Durée", "en": "Time"},
    "decisions_ms": {"fr": "{ms} ms", "en": "{ms} ms"},
    "decisions_upstream_status": {"fr": "IA : HTTP {status}", "en": "AI: HTTP {status}"},
    "decisions_older": {"fr": "Plus anciennes", "en": "Older"},
    "outcome_forwarded": {"fr": "transmise", "en": "forwarded"},
    "outcome_refused": {"fr": "refusée", "en": "refused"},
    "outcome_failed": {"fr": "en échec", "en": "failed"},
    # ------------------------------------------------------------------------------ report (révélateur)
    "tab_report": {"fr": "Rapport", "en": "Report"},
    "report_title": {"fr": "Rapport : {name}", "en": "Report: {name}"},
    "report_intro": {"fr": "Ce que les demandes faites à l'IA révèlent de votre cadre : ce qui a été refusé, les "
                           "priorités réellement servies, les refus demandés quand même.",
                     "en": "What the requests made to the AI reveal about your frame: what was refused, the "
                           "priorities actually served, the refusals asked for anyway."},
    "report_period_label": {"fr": "Période", "en": "Period"},
    "report_period_one": {"fr": "le dernier jour", "en": "the last day"},
    "report_period_other": {"fr": "les {n} derniers jours", "en": "the last {n} days"},
    "report_show": {"fr": "Afficher", "en": "Show"},
    "report_findings": {"fr": "Ce qui ressort", "en": "What stands out"},
    "report_in_frame_language": {"fr": "Dans la langue du cadre", "en": "In the frame's language"},
    "report_outcomes": {"fr": "Demandes", "en": "Requests"},
    "report_priorities": {"fr": "Priorités servies", "en": "Priorities served"},
    "report_priorities_hint": {"fr": "Les demandes transmises, par priorité déclarée (en-tête x-cadre-priority, "
                                     "metadata.cadre_priority ou avis du juge).",
                               "en": "Forwarded requests, by declared priority (x-cadre-priority header, "
                                     "metadata.cadre_priority or the judge's answer)."},
    "report_refusals": {"fr": "Refus demandés quand même", "en": "Refusals asked for anyway"},
    "report_refusals_none": {"fr": "Aucune demande n'a touché un refus du cadre sur la période.",
                             "en": "No request ran into one of the frame's refusals in the period."},
    "report_lexicon": {"fr": "Mots bannis rencontrés", "en": "Banned words met"},
    "report_examples": {"fr": "Exemples", "en": "Examples"},
    "report_hits_one": {"fr": "{n} demande", "en": "{n} request"},
    "report_hits_other": {"fr": "{n} demandes", "en": "{n} requests"},
    "report_changes": {"fr": "Changements du cadre", "en": "Frame changes"},
    "report_change_line": {"fr": "v{version}, {when}", "en": "v{version}, {when}"},
    "report_change_before": {"fr": "avant", "en": "before"},
    "report_change_after": {"fr": "après", "en": "after"},
    "report_unpublished": {"fr": "Ce cadre n'est pas encore publié : le classement déclaré apparaîtra à la "
                                 "première publication.",
                           "en": "This frame is not published yet: the declared ranking appears with the first "
                                 "publication."},
    "report_empty": {"fr": "Aucune demande pour ce cadre sur la période.",
                     "en": "No request for this frame in the period."},
    "report_summary_one": {"fr": "{n} demande sur la période (transmises : {forwarded}, refusées : {refused}, en "
                                 "échec : {failed}).",
                           "en": "{n} request in the period (forwarded: {forwarded}, refused: {refused}, failed: "
                                 "{failed})."},
    "report_summary_other": {"fr": "{n} demandes sur la période (transmises : {forwarded}, refusées : {refused}, "
                                   "en échec : {failed}).",
                             "en": "{n} requests in the period (forwarded: {forwarded}, refused: {refused}, "
                                   "failed: {failed})."},
    "report_no_priority": {"fr": "{pct}\u00a0% des demandes transmises ne servaient aucune priorité.",
                           "en": "{pct}% of generation served no priority."},
    "report_priority_inverted": {"fr": "La priorité {low} reçoit plus de demandes que la priorité {high} ({low_n} "
                                       "contre {high_n}).",
                                 "en": "Priority {low} gets more requests than priority {high} ({low_n} against "
                                       "{high_n})."},
    "report_off_frame": {"fr": "{pct}\u00a0% des demandes vérifiées sortaient du cadre.",
                         "en": "{pct}% of checked requests were off frame."},
    "report_top_refusal_one": {"fr": "Refus le plus demandé quand même : « {item} » ({n} demande).",
                               "en": "Refusal most asked for anyway: “{item}” ({n} request)."},
    "report_top_refusal_other": {"fr": "Refus le plus demandé quand même : « {item} » ({n} demandes).",
                                 "en": "Refusal most asked for anyway: “{item}” ({n} requests)."},
    "report_priorities_unstable": {"fr": "Les priorités ont changé {n} fois en {days} jours : l'IA a servi une "
                                         "stratégie qui bougeait. Stabilisez le classement avant de le juger.",
                                   "en": "Priorities changed {n} times in {days} days: the AI served a moving "
                                         "strategy. Settle the ranking before judging it."},
    "report_priorities_changed_one": {"fr": "Les priorités ont changé {n} fois sur la période.",
                                      "en": "Priorities changed {n} time in the period."},
    "report_priorities_changed_other": {"fr": "Les priorités ont changé {n} fois sur la période.",
                                        "en": "Priorities changed {n} times in the period."},
    "report_versions_one": {"fr": "{n} version publiée sur la période.", "en": "{n} version published in the period."},
    "report_versions_other": {"fr": "{n} versions publiées sur la période.",
                              "en": "{n} versions published in the period."},
    "report_chart_outcomes": {"fr": "Ce que sont devenues les demandes", "en": "What happened to the requests"},
    "report_chart_priorities": {"fr": "Demandes transmises par priorité", "en": "Forwarded requests by priority"},
    "report_chart_empty": {"fr": "aucune donnée", "en": "no data"},
    "report_bar_forwarded": {"fr": "Transmises", "en": "Forwarded"},
    "report_bar_refused": {"fr": "Refusées : {reason}", "en": "Refused: {reason}"},
    "report_bar_failed": {"fr": "En échec : {reason}", "en": "Failed: {reason}"},
    "report_bar_priority": {"fr": "Priorité {n} · {name}", "en": "Priority {n} · {name}"},
    "report_bar_priority_undeclared": {"fr": "Priorité {n} (plus déclarée)", "en": "Priority {n} (no longer declared)"},
    "report_bar_no_priority": {"fr": "Aucune priorité", "en": "No priority"},
    # ------------------------------------------------------------------------- relative and absolute time
    "ago_now": {"fr": "à l'instant", "en": "just now"},
    "ago_minutes_one": {"fr": "il y a {n} minute", "en": "{n} minute ago"},
    "ago_minutes_other": {"fr": "il y a {n} minutes", "en": "{n} minutes ago"},
    "ago_hours_one": {"fr": "il y a {n} heure", "en": "{n} hour ago"},
    "ago_hours_other": {"fr": "il y a {n} heures", "en": "{n} hours ago"},
    "ago_days_one": {"fr": "il y a {n} jour", "en": "{n} day ago"},
    "ago_days_other": {"fr": "il y a {n} jours", "en": "{n} days ago"},
    "ago_months_one": {"fr": "il y a {n} mois", "en": "{n} month ago"},
    "ago_months_other": {"fr": "il y a {n} mois", "en": "{n} months ago"},
    "ago_years_one": {"fr": "il y a {n} an", "en": "{n} year ago"},
    "ago_years_other": {"fr": "il y a {n} ans", "en": "{n} years ago"},
    "date_time": {"fr": "{day}/{month:02d}/{year} à {hour:02d}:{minute:02d}",
                  "en": "{day} {month_name} {year}, {hour:02d}:{minute:02d}"},
}

SUBFIELD_LABELS: dict[str, dict[str, str]] = {
    "voice.tone": {"fr": "Ton", "en": "Tone"},
    "voice.address": {"fr": "Tutoiement ou vouvoiement", "en": "Form of address"},
    "lexicon.preferred": {"fr": "Mots à préférer", "en": "Preferred words"},
    "lexicon.banned": {"fr": "Mots bannis", "en": "Banned words"},
}

REASONS: dict[str, dict[str, str]] = {
    "frame_missing": {"fr": "aucun cadre publié", "en": "no frame published"},
    "frame_unclear": {"fr": "cadre publié pas clair", "en": "published frame unclear"},
    "off_frame": {"fr": "demande hors du cadre", "en": "request outside the frame"},
    "invalid_api_key": {"fr": "clé inconnue ou révoquée", "en": "unknown or revoked key"},
    "rate_limit_exceeded": {"fr": "limite de requêtes par minute de la clé", "en": "key's requests per minute used up"},
    "upstream_unavailable": {"fr": "IA injoignable", "en": "AI unreachable"},
    "upstream_timeout": {"fr": "IA trop lente", "en": "AI too slow"},
    "upstream_error": {"fr": "erreur de l'IA", "en": "AI error"},
    "upstream_stream_broken": {"fr": "réponse de l'IA interrompue", "en": "AI answer cut off"},
    "database_unavailable": {"fr": "base de données injoignable", "en": "database unreachable"},
    "client_disconnected": {"fr": "le client est parti", "en": "the client left"},
    "body_too_large": {"fr": "requête trop grande", "en": "request too large"},
    "invalid_json": {"fr": "requête illisible", "en": "unreadable request"},
    "invalid_request": {"fr": "requête invalide", "en": "invalid request"},
    "internal_error": {"fr": "erreur interne de Cadre", "en": "Cadre internal error"},
}

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


_FRENCH_SPACES = re.compile(r"(?<=«) | (?=[»:;?!])")


def text(key: str, lang: str, **values: Any) -> str:
    """The string ``key`` in ``lang``, with ``values`` filled in. French keeps its punctuation on the line of
    the word it belongs to (a no-break space before : ; ? ! » and after «), not the values' own spaces."""
    entry = S[key]
    template = entry.get(lang) or entry[DEFAULT]
    if lang == "fr":
        template = _FRENCH_SPACES.sub("\u00a0", template)
    return template.format(**values) if values else template


def count(key: str, n: int, lang: str, **values: Any) -> str:
    """A counted string: ``key_one`` or ``key_other`` (French counts 0 and 1 as one, English only 1)."""
    one = n in (0, 1) if lang == "fr" else n == 1
    return text(f"{key}_{'one' if one else 'other'}", lang, n=n, **values)


def field_label(path: str, lang: str) -> str:
    """The readable name of a field path: "priorities[1]" -> "Priorités 2", "voice.tone" -> "Ton"."""
    base, _, index = path.partition("[")
    labels = SUBFIELD_LABELS.get(base) or FIELD_LABELS.get(base) or {}
    label = labels.get(lang) or labels.get(DEFAULT) or base
    return f"{label} {int(index.rstrip(']')) + 1}" if index.rstrip("]").isdigit() else label


def reason(code: str, lang: str) -> str:
    """A decision's code in words (the code itself when it has none)."""
    entry = REASONS.get(code)
    return (entry.get(lang) or entry[DEFAULT]) if entry else code


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    """The console's language: the switch's cookie, else the browser's preferred of fr/en, else French."""
    if cookie in LANGUAGES:
        return cookie
    best, best_q = DEFAULT, 0.0
    for part in (accept_language or "").split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def when(moment: dt.datetime, zone: dt.tzinfo, lang: str) -> str:
    """An absolute date and time in the console's time zone: "12/03/2026 à 14:05", "12 Mar 2026, 14:05"."""
    local = moment.astimezone(zone)
    return text("date_time", lang, day=local.day, month=local.month, month_name=MONTHS_EN[local.month - 1],
                year=local.year, hour=local.hour, minute=local.minute)


def ago(moment: dt.datetime, now: dt.datetime, lang: str) -> str:
    """How long ago, in words: "à l'instant", "il y a 2 jours", "3 months ago"."""
    seconds = max(0.0, (now - moment).total_seconds())
    if seconds < 60:
        return text("ago_now", lang)
    for unit, size, limit in (("minutes", 60, 60), ("hours", 3600, 24), ("days", 86400, 30),
                              ("months", 30 * 86400, 12)):
        n = int(seconds // size)
        if n < limit:
            return count(f"ago_{unit}", n, lang)
    return count("ago_years", max(1, int(seconds // (365 * 86400))), lang)
