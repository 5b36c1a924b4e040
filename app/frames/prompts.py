"""Renders the prompts/ templates and injects a rendered frame into request payloads. Pure but for the loader.

Frame text is data: it is passed to templates as variables, never compiled as template source, so
``{{ 7*7 }}`` written in a frame reaches the model as those characters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from app.errors import InvalidRequest
from app.frames.model import Frame
from app.messages import both

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # app/


def packaged_dir(name: str) -> Path:
    """A data folder shipped with Cadre: the repository's own in a checkout, the wheel's copy otherwise."""
    checkout = PACKAGE_DIR.parent / name
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_packaged" / name


def prompt_environment(user_dir: Path | None = None) -> jinja2.Environment:
    """Templates for prompts: no autoescape, undefined variables fail; a user folder overrides ours."""
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_dir)))
    loaders.append(jinja2.FileSystemLoader(str(packaged_dir("prompts"))))
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=False,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=False)


def render_frame(env: jinja2.Environment, frame: Frame, slug: str, version: int) -> str:
    """The system text the model receives for this published version."""
    template = env.get_template(f"frame.{frame.language}.j2")
    return template.render(frame=frame.model_dump(mode="json"), slug=slug, version=version).strip()


def inject_chat(payload: dict[str, Any], text: str, role: str = "system") -> dict[str, Any]:
    """Chat: the frame becomes the first message; the client's own messages follow unchanged."""
    payload["messages"] = [{"role": role, "content": text}, *payload["messages"]]
    return payload


def inject_completion(payload: dict[str, Any], text: str) -> dict[str, Any]:
    """Completions: the frame is prepended to the prompt (or to each prompt of a list)."""
    prompt = payload["prompt"]
    if isinstance(prompt, str):
        payload["prompt"] = f"{text}\n\n{prompt}"
    elif isinstance(prompt, list) and prompt and all(isinstance(p, str) for p in prompt):
        payload["prompt"] = [f"{text}\n\n{p}" for p in prompt]
    else:
        raise InvalidRequest(both("error.prompt_tokens"), param="prompt", code="invalid_prompt")
    return payload


def inject_responses(payload: dict[str, Any], text: str, role: str = "system") -> dict[str, Any]:
    """Responses: the frame becomes the first item of ``input``, a message of its own (as in chat); the client's
    ``instructions`` are left as they are, so the model sees where the frame ends and the client's text begins.
    A string input becomes its user message."""
    given = payload["input"]
    items = [{"role": "user", "content": given}] if isinstance(given, str) else given
    payload["input"] = [{"role": role, "content": text}, *items]
    return payload
