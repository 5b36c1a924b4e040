"""Fields that make the upstream rebuild the prompt (and could drop the frame) are refused with a 400 naming
them, on every generation endpoint, unless an operator allows them by name."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.gateway import start

# What a client would send to rebuild the prompt without the frame, field by field.
HOSTILE: dict[str, Any] = {
    "chat_template": "{{ messages[-1]['content'] }}",
    "chat_template_kwargs": {"system_prompt": ""},
    "add_generation_prompt": False,
    "continue_final_message": True,
    "echo": True,
    "prompt_embeds": "AAAAAAAAAAA=",
}
HARMLESS: dict[str, Any] = {"chat_template": None, "chat_template_kwargs": {}, "add_generation_prompt": True,
                            "continue_final_message": False, "echo": False, "prompt_embeds": None}
BODIES = {
    "/v1/chat/completions": {"model": "fake-model", "messages": [{"role": "user", "content": "Écris un post."}]},
    "/v1/completions": {"model": "fake-model", "prompt": "Écris un post."},
    "/v1/responses": {"model": "fake-model", "input": "Écris un post."},
}


def test_the_list_is_the_documented_one() -> None:
    from app.config.settings import PROMPT_FIELDS

    assert PROMPT_FIELDS == HARMLESS


@pytest.mark.parametrize("field", sorted(HOSTILE))
def test_each_prompt_building_field_is_refused_with_400_naming_it(serve: Any, upstream: Any, field: str) -> None:
    served = start(serve)
    with served.http() as http:
        for path, body in BODIES.items():
            for stream in (False, True):
                r = http.post(path, json={**body, "stream": stream, field: HOSTILE[field]})
                assert r.status_code == 400, (path, r.text)
                error = r.json()["error"]
                assert error["param"] == field and error["code"] == "prompt_field_refused"
                assert field in error["message"] and "CADRE_ALLOWED_PROMPT_FIELDS" in error["message"]
        # Sent with the value that changes nothing (as some clients do), or null, it passes.
        harmless = {**BODIES["/v1/completions"], field: HARMLESS[field]}
        assert http.post("/v1/completions", json=harmless).status_code == 200
        assert http.post("/v1/completions", json={**BODIES["/v1/completions"], field: None}).status_code == 200
    assert all(field not in r.body or r.body[field] in (None, HARMLESS[field]) for r in upstream.requests)
    decisions = served.decisions(code="prompt_field_refused")["data"]
    assert len(decisions) == 6 and {d["outcome"] for d in decisions} == {"failed"}


def test_an_operator_may_allow_a_field_by_name(serve: Any, upstream: Any) -> None:
    served = start(serve, allowed_prompt_fields="chat_template_kwargs, echo")
    with served.http() as http:
        body = {**BODIES["/v1/chat/completions"], "chat_template_kwargs": {"enable_thinking": False}}
        assert http.post("/v1/chat/completions", json=body).status_code == 200
        assert http.post("/v1/completions", json={**BODIES["/v1/completions"], "echo": True}).status_code == 200
        still = http.post("/v1/chat/completions", json={**BODIES["/v1/chat/completions"],
                                                        "chat_template": HOSTILE["chat_template"]})
        assert still.status_code == 400 and still.json()["error"]["param"] == "chat_template"
    assert upstream.last("/chat/completions").body["chat_template_kwargs"] == {"enable_thinking": False}
    assert upstream.last("/v1/completions").body["echo"] is True


def test_an_unknown_name_in_the_setting_stops_cadre_at_start() -> None:
    from pydantic import ValidationError

    from app.config import Settings

    with pytest.raises(ValidationError, match="chat_templat"):
        Settings(allowed_prompt_fields="chat_templat")
