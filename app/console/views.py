"""What the console pages show, computed from the store's values: a frame's state in words, the editor's
findings and prompt, the guided path's steps, the key snippets. Pure but for rendering the prompt template."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import jinja2

from app.console.forms import Values, findings_by_field
from app.frames.model import Finding, Frame
from app.frames.prompts import render_frame
from app.frames.records import FrameState
from app.frames.rules import errors, lint
from app.messages import formats as strings
from app.revelateur import watch


@dataclass(frozen=True)
class StatusPart:
    """One part of a frame's state in words; ``kind`` picks its colour (ok, none, unclear, draft, ready)."""

    kind: str
    text: str


def frame_status(state: FrameState, lang: str, now: dt.datetime, today: dt.date | None = None) -> list[StatusPart]:
    """ "aucun cadre publié", "publié v4, il y a 2 jours", "brouillon : 3 points à clarifier" ..."""
    parts: list[StatusPart] = []
    published = state.published
    if published is None:
        parts.append(StatusPart("none", strings.text("status_unpublished", lang)))
    else:
        problems = len(errors(lint(published.frame, today)))
        ago = strings.ago(published.published_at, now, lang)
        if problems:
            parts.append(StatusPart("unclear", strings.count("status_published_unclear", problems, lang,
                                                             version=published.version)))
        else:
            parts.append(StatusPart("ok", strings.text("status_published", lang, version=published.version,
                                                       ago=ago)))
    if state.draft_differs():
        blocking = len(errors(lint(state.draft, today)))
        if blocking:
            parts.append(StatusPart("draft", strings.count("status_draft_blocked", blocking, lang)))
        else:
            parts.append(StatusPart("ready", strings.text("status_draft_ready", lang)))
    return parts


@dataclass
class EditorView:
    """The editor's panels for some form values: findings by field, what blocks publication, the prompt."""

    values: Values
    findings: dict[str, list[Finding]]
    blocking: list[Finding]
    warnings: list[Finding]
    prompt: str
    next_version: int  # the version the prompt is for: the one in service when the form holds it unchanged
    live: bool  # the form holds exactly the version in service: the prompt is what the AI receives now
    form_errors: dict[str, str] = field(default_factory=dict)
    suggested: dict[str, list[str]] = field(default_factory=dict)  # per refusal: what the families already watch
    common: dict[str, list[str]] = field(default_factory=dict)  # per refusal: watched words only "to check" alone

    @property
    def live_version(self) -> int:
        return self.next_version

    @property
    def summary_key(self) -> str:
        """The publication panel's sentence when nothing blocks: ready, or nothing to publish."""
        return "publish_nothing" if self.live else "publish_ready"

    @property
    def prompt_heading(self) -> str:
        return "prompt_heading_live" if self.live else "prompt_heading"

    @property
    def prompt_explain(self) -> str:
        return "prompt_explain_live" if self.live else "prompt_explain"


def next_version(state: FrameState) -> int:
    return state.published.version + 1 if state.published else 1


def editor_view(state: FrameState, values: Values, frame: Frame | None, prompts: jinja2.Environment,
                form_errors: dict[str, str] | None = None) -> EditorView:
    """Findings and prompt of the frame the form holds (the stored draft while the form does not parse). When
    the form holds the version in service, the prompt is that version's, under its own number."""
    shown = frame if frame is not None else state.draft
    findings = lint(shown)
    live = state.published is not None and state.published.frame == shown
    number = state.published.version if live and state.published else next_version(state)
    return EditorView(values, findings_by_field(findings), errors(findings),
                      [f for f in findings if f.severity == "warning"],
                      render_frame(prompts, shown, state.slug, number), number, live, form_errors or {},
                      watch.suggestions(shown), watch.common_alone(shown))


# ---------------------------------------------------------------------------------------- decisions
@dataclass(frozen=True)
class Story:
    """A decision in words: ``kind`` picks the colour (sent, against, refused, failed); ``check`` labels what
    the request check found (None when it did not run)."""

    kind: str
    text: str
    check: str | None


def decision_story(row: dict[str, Any], lang: str) -> Story:
    """ "Envoyée à l'IA avec le cadre (v3)", "Refusée : va contre « … »", "Envoyée, mais va contre « … »" …"""
    items = _hit_items(row.get("findings"), lang)
    check = row.get("check_outcome")
    label = strings.check_label(check, lang) if check else None
    outcome, code = row.get("outcome"), row.get("code")
    if outcome == "forwarded":
        if check == "off_frame" and items:
            return Story("against", strings.text("story_sent_against", lang, items=items), label)
        version = row.get("frame_version")
        key = "story_sent_version" if version else "story_sent"
        return Story("sent", strings.text(key, lang, version=version), label)
    if outcome == "refused":
        if code in ("off_frame", "off_frame_answer") and items:
            return Story("refused", strings.text("story_refused_against", lang, items=items), label)
        return Story("refused", strings.text("story_refused", lang, reason=strings.reason(code or "", lang)), label)
    return Story("failed", strings.text("story_failed", lang, reason=strings.reason(code or "", lang)), label)


def _hit_items(findings: str | None, lang: str) -> str:
    """The refusals and banned words a decision's findings name, in words, once each."""
    if not findings:
        return ""
    try:
        found = json.loads(findings)
    except ValueError:
        return ""
    names: dict[str, None] = {}
    for f in found if isinstance(found, list) else ():
        if isinstance(f, dict) and isinstance(f.get("item"), str):
            kind = "story_item_banned" if f.get("kind") == "lexicon" else "story_item_refusal"
            names[strings.text(kind, lang, item=f["item"])] = None
    return ", ".join(names)


# ------------------------------------------------------------------------------------- guided path
@dataclass(frozen=True)
class Step:
    """One question of the guided path: the fields it fills, and codes found elsewhere that it causes."""

    name: str
    fields: tuple[str, ...]
    codes: tuple[str, ...] = ()
    items: int = 0  # list steps show this many inputs at least

    def concerns(self, finding: Finding) -> bool:
        return finding.field.split("[")[0] in self.fields or finding.code in self.codes


STEPS = (
    Step("offer", ("offer",)),
    Step("audience", ("audience",)),
    Step("promise", ("promise",)),
    Step("priorities", ("priorities",), items=3),
    Step("refusals", ("refusals",), ("priority_contradicts_refusal",), items=3),
)
STEP_NAMES = ("name", *(s.name for s in STEPS))  # "name" creates the frame; the others fill it


def find_step(name: str) -> Step | None:
    return next((s for s in STEPS if s.name == name), None)


def steps_to_redo(draft: Frame) -> set[str]:
    """The guided path's steps whose answer still has an error (skipped with "continue anyway"): "à reprendre"."""
    found = errors(lint(draft))
    return {s.name for s in STEPS if any(s.concerns(f) for f in found)}


def step_after(name: str) -> str | None:
    index = STEP_NAMES.index(name)
    return STEP_NAMES[index + 1] if index + 1 < len(STEP_NAMES) else None


# ----------------------------------------------------------------------------------------------- keys
def snippets(public_url: str, secret: str | None, lang: str) -> dict[str, str]:
    """How to call Cadre with a key: the official OpenAI Python client, and curl."""
    base = public_url.rstrip("/") + "/v1"
    question = strings.text("snippet_question", lang)
    key_python = json.dumps(secret) if secret else 'os.environ["CADRE_API_KEY"]'
    key_shell = secret if secret else "$CADRE_API_KEY"
    python = "\n".join([
        *([] if secret else ["import os", ""]),
        "from openai import OpenAI",
        "",
        f"client = OpenAI(base_url={json.dumps(base)}, api_key={key_python})",
        "answer = client.chat.completions.create(",
        f'    model="cadre-preview",  # {strings.text("snippet_model_comment", lang)}',
        f'    messages=[{{"role": "user", "content": {json.dumps(question, ensure_ascii=False)}}}],',
        ")",
        "print(answer.choices[0].message.content)",
    ])
    body = json.dumps({"model": "cadre-preview", "messages": [{"role": "user", "content": question}]},
                      ensure_ascii=False).replace("'", "'\\''")
    curl = "\n".join([
        f"curl {base}/chat/completions \\",
        f'  -H "Authorization: Bearer {key_shell}" \\',
        '  -H "Content-Type: application/json" \\',
        f"  -d '{body}'",
    ])
    return {"python": python, "curl": curl}
